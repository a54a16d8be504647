import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { type GitRemoteDto, SetGitRemoteDto } from './dto/git-remote.dto';
import { GitPushService } from './git-push.service';

@Controller('projects/:id/git')
export class GitRemoteController {
  constructor(private readonly push: GitPushService) {}

  @Get()
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<{ remote: GitRemoteDto | null }> {
    return { remote: await this.push.get(user.id, id) };
  }

  @Put()
  set(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: SetGitRemoteDto,
  ): Promise<GitRemoteDto> {
    return this.push.set(user.id, id, dto);
  }

  @Post('push')
  @HttpCode(200)
  pushNow(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<GitRemoteDto> {
    return this.push.push(user.id, id);
  }
}
