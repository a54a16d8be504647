import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ProjectName } from './project-name';

/** Longest project description (the first prompt), in characters. */
export const PROJECT_DESCRIPTION_MAX_LENGTH = 20_000;

export class CreateProjectDto {
  @ProjectName()
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(PROJECT_DESCRIPTION_MAX_LENGTH, {
    message: `description must be at most ${PROJECT_DESCRIPTION_MAX_LENGTH} characters long`,
  })
  description?: string;
}
