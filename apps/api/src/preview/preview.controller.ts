import { Controller, Get, Param } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { PreviewService } from './preview.service';

@Controller('projects/:id/preview')
export class PreviewController {
  constructor(private readonly previews: PreviewService) {}

  @Get()
  link(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<{ url: string; expiresAt: string }> {
    return this.previews.link(user.id, id);
  }
}
