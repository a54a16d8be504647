import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/** PUT /api/projects/:id/git. An empty or absent token keeps the one set. */
export class SetGitRemoteDto {
  @IsString()
  @MaxLength(2000)
  url!: string;

  @IsString()
  @MaxLength(200)
  branch!: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  token?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  username?: string;

  @IsOptional()
  @IsBoolean()
  clearToken?: boolean;
}

/** What the browser sees of a remote: never the token, only whether one is set. */
export interface GitRemoteDto {
  url: string;
  branch: string;
  username: string;
  tokenSet: boolean;
  pushedVersion: number | null;
  lastCommit: string | null;
  lastPushedAt: string | null;
}
