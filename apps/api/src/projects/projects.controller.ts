import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { type AuthUser, CurrentUser } from '../auth/auth-user';
import { CreateProjectDto } from './dto/create-project.dto';
import { type Page, ProjectListQueryDto } from './dto/page-query.dto';
import { type ProjectDto } from './dto/project.dto';
import { RenameProjectDto } from './dto/rename-project.dto';
import { ProjectsService } from './projects.service';

@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateProjectDto): Promise<ProjectDto> {
    return this.projects.create(user.id, dto);
  }

  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Query() query: ProjectListQueryDto,
  ): Promise<Page<ProjectDto>> {
    return this.projects.list(user.id, query);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ProjectDto> {
    return this.projects.get(user.id, id);
  }

  @Get(':id/thumbnail')
  @Header('Cache-Control', 'private, no-cache')
  async thumbnail(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<StreamableFile> {
    const { mediaType, image } = await this.projects.thumbnail(user.id, id);
    return new StreamableFile(image, { type: mediaType, length: image.length });
  }

  @Patch(':id')
  rename(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: RenameProjectDto,
  ): Promise<ProjectDto> {
    return this.projects.rename(user.id, id, dto.name);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    return this.projects.remove(user.id, id);
  }
}
