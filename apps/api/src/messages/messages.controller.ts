import { Controller, Get, Param, Query } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { type Page, PageQueryDto } from '../projects/dto/page-query.dto';
import { type MessageDto, MessagesService } from './messages.service';

@Controller('projects/:id/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<MessageDto>> {
    return this.messages.list(user.id, id, query);
  }
}
