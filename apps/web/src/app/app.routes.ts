import { type Routes } from '@angular/router';
import { authGuard, guestGuard } from './auth/auth.guard';

export const routes: Routes = [
  {
    path: 'sign-in',
    title: 'Sign in · Forge',
    canActivate: [guestGuard],
    loadComponent: () => import('./auth/sign-in/sign-in.component').then((m) => m.SignInComponent),
  },
  {
    path: 'sign-up',
    title: 'Create your account · Forge',
    canActivate: [guestGuard],
    loadComponent: () => import('./auth/sign-up/sign-up.component').then((m) => m.SignUpComponent),
  },
  {
    path: 'project/:id',
    title: 'Project · Forge',
    canActivate: [authGuard],
    loadComponent: () =>
      import('./workspace/workspace.component').then((m) => m.WorkspaceComponent),
  },
  {
    // Open to anyone holding the link, signed in or not.
    path: 's/:token',
    title: 'Shared project · Forge',
    loadComponent: () =>
      import('./shared/shared-page.component').then((m) => m.SharedPageComponent),
  },
  {
    path: '',
    pathMatch: 'full',
    title: 'Projects · Forge',
    canActivate: [authGuard],
    loadComponent: () =>
      import('./dashboard/dashboard.component').then((m) => m.DashboardComponent),
  },
  { path: '**', redirectTo: '' },
];
