import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { type Observable, catchError, from, map, of, startWith, switchMap } from 'rxjs';
import { APP_PATHS } from '../core/app-paths';
import { httpErrorMessage } from '../core/http-error-message';
import { TopBarComponent } from '../core/top-bar/top-bar.component';
import { ProjectStateBadgeComponent } from './project-state-badge.component';
import { type Project } from './project.model';
import { ProjectsService } from './projects.service';

type ProjectView =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly project: Project }
  | { readonly status: 'missing' }
  | { readonly status: 'failed'; readonly message: string };

const LOADING: ProjectView = { status: 'loading' };

/** The project page; for now it shows what the project is, and the workspace grows here next. */
@Component({
  selector: 'forge-project',
  imports: [ProjectStateBadgeComponent, RouterLink, TopBarComponent],
  templateUrl: './project.component.html',
  styleUrl: './project.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProjectComponent {
  private readonly projectsService = inject(ProjectsService);

  protected readonly paths = APP_PATHS;
  // switchMap drops the answer for a project the user has already navigated away from.
  protected readonly view = toSignal(
    inject(ActivatedRoute).paramMap.pipe(
      map((params) => params.get('id') ?? ''),
      switchMap((id) => this.load(id)),
    ),
    { initialValue: LOADING },
  );

  private load(id: string): Observable<ProjectView> {
    return from(this.projectsService.get(id)).pipe(
      map((project): ProjectView => ({ status: 'ready', project })),
      catchError((error: unknown) =>
        // Someone else's project is a 404 too (DESIGN.md), so both read as "not found".
        of<ProjectView>(
          error instanceof HttpErrorResponse && error.status === 404
            ? { status: 'missing' }
            : { status: 'failed', message: httpErrorMessage(error, 'load the project') },
        ),
      ),
      startWith(LOADING),
    );
  }
}
