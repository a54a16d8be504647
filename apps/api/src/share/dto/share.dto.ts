import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { type VersionSummary } from '@forge/protocol';

/** A share link as its project's owner sees it. */
export interface ShareLinkDto {
  token: string;
  /** The UI's page for it: `<PUBLIC_URL>/s/<token>`. */
  url: string;
  createdAt: string;
}

/** A shared project as anyone with the link sees it, read-only. */
export interface SharedProjectDto {
  name: string;
  description: string;
  /** Newest first. */
  versions: VersionSummary[];
  /** The version whose files are shown (the latest unless one was asked for); null: none yet. */
  version: number | null;
  files: { path: string; content: string }[];
  /** The published app, unless there is none or it is private. */
  app: { url: string; openUrl: string } | null;
}

/** Remix the shared project as it was at `version` (the latest when left out). */
export class RemixDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}
