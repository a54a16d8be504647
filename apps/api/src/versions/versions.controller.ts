import { Controller, Get, Param } from '@nestjs/common';
import { type VersionDiff, type VersionList } from '@forge/protocol';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { VersionNumber } from './version-number.decorator';
import { VersionsService } from './versions.service';

@Controller('projects/:id/versions')
export class VersionsController {
  constructor(private readonly versions: VersionsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<VersionList> {
    return this.versions.list(user.id, id);
  }

  @Get(':number/diff')
  diff(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @VersionNumber() number: number,
  ): Promise<VersionDiff> {
    return this.versions.diff(user.id, id, number);
  }
}
