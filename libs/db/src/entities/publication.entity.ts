import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Who may open a published app: anyone, anyone with its secret link, or its owner signed in. */
export type PublicationVisibility = 'public' | 'unlisted' | 'private';

export const PUBLICATION_VISIBILITIES: readonly PublicationVisibility[] = [
  'public',
  'unlisted',
  'private',
];

/** A project's published app: one a project, served at its slug from its build's stored files. */
@Entity({ name: 'publications' })
export class Publication {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'varchar', length: 63, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 16 })
  visibility!: PublicationVisibility;

  /** The secret an unlisted app's link carries; changes when the app is made unlisted again. */
  @Column({ name: 'access_token', type: 'text' })
  accessToken!: string;

  /** The version whose build is live. */
  @Column({ name: 'version_number', type: 'integer' })
  versionNumber!: number;

  /** Names the stored files of the live build (publication_files.build_id). */
  @Column({ name: 'build_id', type: 'uuid' })
  buildId!: string;

  @Column({ type: 'integer' })
  bytes!: number;

  @Column({ name: 'file_count', type: 'integer' })
  fileCount!: number;

  /**
   * The live build's server part (one ES module), or null when the app has none. Not read with
   * the row (select: false): only a runner starting the app's server reads it.
   */
  @Column({ name: 'server_bundle', type: 'bytea', nullable: true, select: false })
  serverBundle?: Buffer | null;

  /** When the server part was last asked for (a runner stops it after its idle timeout). */
  @Column({ name: 'server_used_at', type: 'timestamptz', nullable: true })
  serverUsedAt?: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** One file of a published build, byte for byte. */
@Entity({ name: 'publication_files' })
export class PublicationFile {
  @PrimaryColumn({ name: 'build_id', type: 'uuid' })
  buildId!: string;

  @PrimaryColumn({ type: 'text' })
  path!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'bytea' })
  content!: Buffer;
}

/** A read-only link to a project (code, versions, published app), until its owner revokes it. */
@Entity({ name: 'share_links' })
export class ShareLink {
  @PrimaryColumn({ type: 'text' })
  token!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
