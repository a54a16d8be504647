import { Module } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { logSandboxTrust, resolveSandboxTrust, SANDBOX_TRUST } from './sandbox-trust';
import { SandboxTrustController } from './sandbox-trust.controller';

@Module({
  controllers: [SandboxTrustController],
  providers: [
    {
      provide: SANDBOX_TRUST,
      inject: [API_CONFIG],
      useFactory: async (config: ApiConfig) => {
        const trust = await resolveSandboxTrust(config);
        logSandboxTrust(trust);
        return trust;
      },
    },
  ],
  exports: [SANDBOX_TRUST],
})
export class SandboxTrustModule {}
