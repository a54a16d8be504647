import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { PUBLICATION_VISIBILITIES, type PublicationVisibility } from '@forge/db';

/** Publish (or re-publish) a project: its address name, who may open it, which version. */
export class PublishDto {
  /** Checked by checkSlug (publish-slug.ts), whose messages say what is wrong. */
  @IsString()
  slug!: string;

  @IsIn(PUBLICATION_VISIBILITIES)
  visibility!: PublicationVisibility;

  /** The version to publish; the latest when left out. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}

/** A published app as its owner sees it. */
export interface PublicationDto {
  slug: string;
  visibility: PublicationVisibility;
  /** The version whose build is live. */
  version: number;
  /** The app's address. */
  url: string;
  /** The address that opens it for its owner: with the unlisted secret, or a signed owner token. */
  openUrl: string;
  bytes: number;
  fileCount: number;
  publishedAt: string;
  updatedAt: string;
}
