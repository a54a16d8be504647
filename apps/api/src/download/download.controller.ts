import { Controller, Get, Param, StreamableFile } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { DownloadService } from './download.service';

@Controller('projects/:id/download')
export class DownloadController {
  constructor(private readonly download: DownloadService) {}

  /** The project as `<slug>.zip`; the slug is ASCII letters, digits and "-", safe to quote. */
  @Get()
  async zip(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<StreamableFile> {
    const { fileName, zip } = await this.download.archive(user.id, id);
    return new StreamableFile(zip, {
      type: 'application/zip',
      disposition: `attachment; filename="${fileName}"`,
      length: zip.length,
    });
  }
}
