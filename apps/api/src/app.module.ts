import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DatabaseModule, HealthModule } from '@forge/nest-common';
import { AuthModule } from './auth/auth.module';
import { API_CONFIG, type ApiConfig } from './config/api-config';
import { DownloadModule } from './download/download.module';
import { AppDatabaseModule } from './app-database/app-database.module';
import { FilesModule } from './files/files.module';
import { GitIoModule } from './git-io/git-io.module';
import { LiveModule } from './live/live.module';
import { MessagesModule } from './messages/messages.module';
import { ModelsModule } from './models/models.module';
import { PreviewModule } from './preview/preview.module';
import { ProjectsModule } from './projects/projects.module';
import { PublishModule } from './publish/publish.module';
import { SandboxTrustModule } from './sandbox-trust/sandbox-trust.module';
import { ShareModule } from './share/share.module';
import { VersionsModule } from './versions/versions.module';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        AuthModule,
        HealthModule,
        ProjectsModule,
        FilesModule,
        AppDatabaseModule,
        MessagesModule,
        LiveModule,
        PreviewModule,
        ModelsModule,
        VersionsModule,
        GitIoModule,
        DownloadModule,
        PublishModule,
        ShareModule,
        SandboxTrustModule,
      ],
    };
  }
}
