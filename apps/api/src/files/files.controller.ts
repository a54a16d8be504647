import { Controller, Get, Param } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { type FileDto, type FileEntryDto, FilesService } from './files.service';
import { ProjectFilePath } from './project-file-path.decorator';

@Controller('projects/:id/files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<{ files: FileEntryDto[] }> {
    return this.files.list(user.id, id);
  }

  @Get('*path')
  read(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @ProjectFilePath() path: string,
  ): Promise<FileDto> {
    return this.files.read(user.id, id, path);
  }
}
