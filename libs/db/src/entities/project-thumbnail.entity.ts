import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest picture of a project's preview, taken when a version was recorded. */
@Entity({ name: 'project_thumbnails' })
export class ProjectThumbnail {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  /** The version whose preview it shows. */
  @Column({ name: 'version_number', type: 'integer' })
  versionNumber!: number;

  @Column({ name: 'media_type', type: 'varchar', length: 32 })
  mediaType!: string;

  @Column({ type: 'bytea' })
  image!: Buffer;

  @Column({ name: 'taken_at', type: 'timestamptz', default: () => 'now()' })
  takenAt!: Date;
}
