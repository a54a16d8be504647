import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 20;

/** `?limit=&cursor=` for keyset-paginated lists; the upper bound comes from config. */
export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  limit?: number;

  @IsOptional()
  @IsString()
  cursor?: string;
}

/** Longest text the project search takes, in characters. */
export const PROJECT_SEARCH_MAX_LENGTH = 100;

export const PROJECT_SORTS = ['recent', 'name', 'created'] as const;
/** recent: last activity first (a rename, a generation); name: A to Z; created: newest first. */
export type ProjectSort = (typeof PROJECT_SORTS)[number];

/** The project list's page, with an optional search in names and an order. */
export class ProjectListQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(PROJECT_SEARCH_MAX_LENGTH, {
    message: `q must be at most ${PROJECT_SEARCH_MAX_LENGTH} characters long`,
  })
  q?: string;

  @IsOptional()
  @IsIn(PROJECT_SORTS, { message: `sort must be one of ${PROJECT_SORTS.join(', ')}` })
  sort?: ProjectSort;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}
