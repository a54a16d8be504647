import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { Public } from '@forge/nest-common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { type ProjectDto } from '../projects/dto/project.dto';
import { VersionNumber } from '../versions/version-number.decorator';
import { RemixDto, type SharedProjectDto } from './dto/share.dto';
import { ShareService } from './share.service';

/** A shared project as anyone holding its link sees it; remixing it needs a session. */
@Controller('shared/:token')
export class SharedController {
  constructor(private readonly share: ShareService) {}

  @Public()
  @Get()
  view(@Param('token') token: string): Promise<SharedProjectDto> {
    return this.share.view(token);
  }

  @Public()
  @Get('versions/:number')
  version(
    @Param('token') token: string,
    @VersionNumber() number: number,
  ): Promise<SharedProjectDto> {
    return this.share.view(token, number);
  }

  @Post('remix')
  remix(
    @CurrentUser() user: AuthUser,
    @Param('token') token: string,
    @Body() dto: RemixDto,
  ): Promise<ProjectDto> {
    return this.share.remix(user.id, token, dto.version);
  }
}
