import { Controller, Get, Param, Query } from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { type AppDatabaseDto, AppDatabaseService, type RowsDto } from './app-database.service';
import { RowsQueryDto } from './rows-query.dto';

/** Rows a page holds when the client does not say. */
const DEFAULT_ROWS = 50;

@Controller('projects/:id/database')
export class AppDatabaseController {
  constructor(private readonly database: AppDatabaseService) {}

  @Get()
  describe(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<AppDatabaseDto> {
    return this.database.describe(user.id, id);
  }

  @Get('tables/:table/rows')
  rows(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('table') table: string,
    @Query() query: RowsQueryDto,
  ): Promise<RowsDto> {
    return this.database.rows(user.id, id, table, query.offset ?? 0, query.limit ?? DEFAULT_ROWS);
  }
}
