import { ProjectName } from './project-name';

export class RenameProjectDto {
  @ProjectName()
  name!: string;
}
