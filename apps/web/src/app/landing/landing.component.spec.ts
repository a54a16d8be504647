import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { EXAMPLE_PROMPTS } from '../dashboard/example-prompts';
import { PENDING_PROMPT_KEY } from '../project/pending-prompt.service';
import { LandingComponent } from './landing.component';

@Component({ template: 'sign-up page', changeDetection: ChangeDetectionStrategy.OnPush })
class SignUpPageComponent {}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe(LandingComponent.name, () => {
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: '', component: LandingComponent },
          { path: 'sign-up', component: SignUpPageComponent },
          { path: 'sign-in', component: SignUpPageComponent },
        ]),
      ],
    });
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/', LandingComponent);
    await harness.fixture.whenStable();
  });

  afterEach(() => sessionStorage.clear());

  const page = () => harness.routeNativeElement!;
  const promptBox = () => page().querySelector<HTMLTextAreaElement>('#landing-prompt')!;

  it('opens on the prompt box, focused, with examples and the way to sign in', () => {
    expect(document.activeElement).toBe(promptBox());
    expect(page().querySelector('label[for="landing-prompt"]')?.textContent?.trim()).toBe(
      'What do you want to build?',
    );
    expect([...page().querySelectorAll('.chip')].map((chip) => chip.textContent?.trim())).toEqual(
      EXAMPLE_PROMPTS,
    );
    const links = [...page().querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['/sign-in', '/sign-up']);
  });

  it('keeps the prompt and goes to sign-up on Enter', async () => {
    promptBox().value = '  A recipe box with tags ';
    promptBox().dispatchEvent(new Event('input'));
    promptBox().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await tick();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/sign-up');
    expect(sessionStorage.getItem(PENDING_PROMPT_KEY)).toBe('A recipe box with tags');
  });

  it('does nothing with an empty prompt', async () => {
    promptBox().value = '   ';
    promptBox().dispatchEvent(new Event('input'));
    await harness.fixture.whenStable();
    expect(page().querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled).toBe(true);
    promptBox().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await tick();
    expect(TestBed.inject(Router).url).toBe('/');
    expect(sessionStorage.getItem(PENDING_PROMPT_KEY)).toBeNull();
  });
});
