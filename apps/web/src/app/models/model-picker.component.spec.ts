import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ModelPickerComponent } from './model-picker.component';
import { MODELS_URL, ModelsService } from './models.service';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe(ModelPickerComponent.name, () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function render(list: object): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(ModelPickerComponent);
    http.expectOne(MODELS_URL).flush(list);
    await tick();
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('says before anything is sent that the offline demo does not follow the prompt', async () => {
    const element = await render({
      provider: 'demo',
      demo: true,
      defaultModel: 'forge-demo',
      models: [
        { id: 'forge-demo', name: null, promptUsdPerToken: null, completionUsdPerToken: null },
      ],
    });
    expect(element.querySelector('[data-model="demo"]')?.textContent).toContain(
      'does not follow your prompt',
    );
    expect(element.querySelector('select')).toBeNull();
  });

  it('offers the listed models with their prices; a pick other than the default travels', async () => {
    const element = await render({
      provider: 'openrouter',
      demo: false,
      defaultModel: 'anthropic/claude-sonnet-4.5',
      models: [
        {
          id: 'anthropic/claude-sonnet-4.5',
          name: 'Claude Sonnet 4.5',
          promptUsdPerToken: 0.000003,
          completionUsdPerToken: 0.000015,
        },
        { id: 'qwen/coder', name: null, promptUsdPerToken: 0, completionUsdPerToken: 0 },
      ],
    });
    const select = element.querySelector('select')!;
    expect([...select.options].map((option) => option.textContent?.trim())).toEqual([
      'Claude Sonnet 4.5 (anthropic/claude-sonnet-4.5) — $3.00 / $15.00 per M tokens',
      'qwen/coder — free',
    ]);
    const models = TestBed.inject(ModelsService);
    expect(models.requested()).toBeNull();
    select.value = 'qwen/coder';
    select.dispatchEvent(new Event('change'));
    expect(models.requested()).toBe('qwen/coder');
    expect(element.querySelector('label')?.textContent).toBe('Model');
  });
});
