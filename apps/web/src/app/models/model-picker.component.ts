import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { ModelsService } from './models.service';
import { priceLabel } from './model-list';

let nextId = 0;

/**
 * The model the next request uses, where the prompt is typed: a picker over the models the LLM
 * server lists (with OpenRouter's prices), or a "Demo" badge saying, before anything is sent,
 * that no LLM is configured and the offline demo does not follow the prompt.
 */
@Component({
  selector: 'forge-model-picker',
  templateUrl: './model-picker.component.html',
  styleUrl: './model-picker.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ModelPickerComponent {
  protected readonly models = inject(ModelsService);
  /** Disabled while a request runs (the model goes with the next one). */
  readonly disabled = input(false);

  protected readonly id = `model-picker-${++nextId}`;
  protected readonly list = this.models.list;
  protected readonly options = computed(() =>
    (this.list()?.models ?? []).map((model) => {
      const price = priceLabel(model);
      const name = model.name && model.name !== model.id ? `${model.name} (${model.id})` : model.id;
      return { id: model.id, label: price ? `${name} — ${price}` : name };
    }),
  );
  protected readonly price = computed(() => {
    const id = this.models.current();
    const model = this.list()?.models.find((entry) => entry.id === id);
    return model ? priceLabel(model) : null;
  });

  constructor() {
    void this.models.load();
  }

  protected pick(id: string): void {
    this.models.picked.set(id);
  }
}
