import { Controller, Get, Param } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { DownloadService, type StarterFileDto } from './download.service';

/** The starter template's files a project still has unchanged, for the code view. */
@Controller('projects/:id/starter-files')
export class StarterFilesController {
  constructor(private readonly download: DownloadService) {}

  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<{ files: StarterFileDto[] }> {
    return this.download.starterFiles(user.id, id);
  }
}
