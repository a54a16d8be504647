import { Body, Controller, Post, Query, Req } from '@nestjs/common';
import { type Request } from 'express';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { type ProjectDto } from '../projects/dto/project.dto';
import { ImportGitDto } from './dto/import-git.dto';
import { GitIoError } from './git-io.error';
import { ProjectImportService } from './project-import.service';

/** Its body may reach IMPORT_MAX_BYTES (api-app.ts gives it that limit). */
export const ZIP_IMPORT_PATH = '/api/projects/import/zip';

/** The raw body (the global limit for this route is IMPORT_MAX_BYTES, counted as it arrives). */
async function readBody(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

@Controller('projects/import')
export class ProjectImportController {
  constructor(private readonly imports: ProjectImportService) {}

  @Post('git')
  fromGit(@CurrentUser() user: AuthUser, @Body() dto: ImportGitDto): Promise<ProjectDto> {
    return this.imports.fromGit(user.id, dto);
  }

  /** The zip as the body (Content-Type application/zip); ?name= names the project. */
  @Post('zip')
  async fromZip(
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @Query('name') name?: string,
  ): Promise<ProjectDto> {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/(zip|x-zip-compressed|octet-stream)\b/.test(type)) {
      throw GitIoError.badArchive('send the zip as the body with Content-Type application/zip');
    }
    return this.imports.fromZip(user.id, await readBody(req), name?.slice(0, 100));
  }
}
