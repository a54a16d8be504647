import { Injectable } from '@nestjs/common';
import { listTemplateFiles } from '@forge/sandbox';
import { type SourceFile } from './code-context';

/** The starter every generated app begins from (libs/sandbox/template), read once. */
@Injectable()
export class TemplateCatalog {
  private files?: Promise<SourceFile[]>;

  list(): Promise<SourceFile[]> {
    this.files ??= listTemplateFiles();
    return this.files;
  }
}
