import { IsOptional, IsString, MaxLength } from 'class-validator';

/** POST /api/projects/import/git. The token is used for this clone only, never stored. */
export class ImportGitDto {
  @IsString()
  @MaxLength(2000)
  url!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  branch?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  token?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}
