import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';

@Entity({ name: 'generated_files' })
@Unique('generated_files_project_path_key', ['projectId', 'path'])
export class GeneratedFile {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @Column({ type: 'text' })
  path!: string;

  /** The file's text, or with encoding 'base64' the base64 of its bytes. */
  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'varchar', length: 8, default: 'utf8' })
  encoding!: 'utf8' | 'base64';

  /** The phase that last wrote the file; null for a file the user edited or the template's. */
  @Column({ type: 'integer', nullable: true })
  phase!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
