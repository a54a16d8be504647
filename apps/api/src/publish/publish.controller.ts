import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { type PublicationDto, PublishDto } from './dto/publish.dto';
import { PublishService } from './publish.service';

@Controller('projects/:id/publication')
export class PublishController {
  constructor(private readonly publish: PublishService) {}

  @Get()
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<{ publication: PublicationDto | null }> {
    return { publication: await this.publish.get(user.id, id) };
  }

  @Put()
  put(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: PublishDto,
  ): Promise<PublicationDto> {
    return this.publish.publish(user.id, id, dto);
  }

  @Delete()
  @HttpCode(204)
  remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    return this.publish.unpublish(user.id, id);
  }
}
