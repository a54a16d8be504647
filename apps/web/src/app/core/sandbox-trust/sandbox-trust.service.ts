import { HttpClient } from '@angular/common/http';
import { inject, Injectable, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';

/** What GET /api/sandbox-trust answers: how generated apps run on this server. */
export interface SandboxTrust {
  provider: 'process' | 'docker' | 'kubernetes' | 'none';
  isolated: boolean;
  detail: string;
  unisolatedAllowed: boolean;
  firstAccountOnly: boolean;
}

/** Loaded once per page load; null until then, and when the request failed. */
@Injectable({ providedIn: 'root' })
export class SandboxTrustService {
  private readonly http = inject(HttpClient);
  private readonly state = signal<SandboxTrust | null>(null);
  private loading?: Promise<void>;

  readonly trust = this.state.asReadonly();

  load(): Promise<void> {
    this.loading ??= firstValueFrom(this.http.get<SandboxTrust>('/api/sandbox-trust')).then(
      (trust) => this.state.set(trust),
      () => undefined,
    );
    return this.loading;
  }
}
