import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '@forge/nest-common';
import { SANDBOX_TRUST, type SandboxTrust } from './sandbox-trust';

/** How generated apps run here, for the UI's admin banner and the sign-up page. */
@Controller('sandbox-trust')
export class SandboxTrustController {
  constructor(@Inject(SANDBOX_TRUST) private readonly trust: SandboxTrust) {}

  @Public()
  @Get()
  get(): SandboxTrust {
    return this.trust;
  }
}
