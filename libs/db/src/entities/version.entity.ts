import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type VersionReason = 'phase' | 'edit' | 'rollback' | 'fix';

export interface VersionFile {
  path: string;
  /** The text, or with encoding 'base64' the base64 of a binary file's bytes. */
  content: string;
  encoding?: 'base64';
}

/** The whole file set after a phase or a user's edit, for history and rollback. */
@Entity({ name: 'versions' })
@Unique('versions_project_number_key', ['projectId', 'number'])
export class Version {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 16 })
  reason!: VersionReason;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'jsonb' })
  files!: VersionFile[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
