import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { type ShareLinkDto } from './dto/share.dto';
import { ShareService } from './share.service';

/** The owner's share links of a project. */
@Controller('projects/:id/share-links')
export class ShareLinksController {
  constructor(private readonly share: ShareService) {}

  @Get()
  async list(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<{ links: ShareLinkDto[] }> {
    return { links: await this.share.list(user.id, id) };
  }

  @Post()
  create(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ShareLinkDto> {
    return this.share.create(user.id, id);
  }

  @Delete(':token')
  @HttpCode(204)
  revoke(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('token') token: string,
  ): Promise<void> {
    return this.share.revoke(user.id, id, token);
  }
}
