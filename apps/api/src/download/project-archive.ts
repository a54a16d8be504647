import { type ProjectFile } from '@forge/protocol';
import { downloadPackageJson } from './app-package-json';
import { downloadReadme } from './download-readme';
import { type TemplateFile } from './starter-template';
import { type ZipEntry } from './zip-writer';

const PACKAGE_JSON = 'package.json';
const README = 'README.md';

export interface ArchiveSources {
  /** The starter template's files, byte for byte. */
  starter: readonly TemplateFile[];
  /** The project's saved files; a binary one in base64. */
  generated: readonly ProjectFile[];
  /** Paths the agent deleted: a starter file among them stays out. */
  deletedPaths: readonly string[];
  /** The project's name, for the README the zip gets unless the agent wrote one. */
  name: string;
  /** The project's name as a package name, for the starter's package.json. */
  slug: string;
  /** Packages the agent installed, which no stored file records. */
  dependencies: readonly string[];
}

/**
 * The starter's files the zip keeps: those the project neither saved nor deleted. Its
 * package.json (unless the agent wrote one) is renamed after the project and given the packages
 * the agent installed; a README.md (unless the agent wrote one) says how to install, migrate,
 * run and build the app.
 */
export function starterEntries(
  sources: Omit<ArchiveSources, 'generated'> & { generatedPaths: ReadonlySet<string> },
): ZipEntry[] {
  const deleted = new Set(sources.deletedPaths);
  const kept = sources.starter.filter(
    (file) => !sources.generatedPaths.has(file.path) && !deleted.has(file.path),
  );
  const readme =
    sources.generatedPaths.has(README) || kept.some((file) => file.path === README)
      ? []
      : [
          {
            path: README,
            data: downloadReadme(sources.name, sources.slug, [
              ...kept.map((file) => file.path),
              ...sources.generatedPaths,
            ]),
          },
        ];
  return [...kept.map(starterEntry(sources)), ...readme];
}

function starterEntry(sources: { slug: string; dependencies: readonly string[] }) {
  return (file: TemplateFile): ZipEntry =>
    file.path === PACKAGE_JSON
      ? {
          path: file.path,
          data: downloadPackageJson(file.data.toString(), sources.slug, [...sources.dependencies]),
        }
      : { path: file.path, data: file.data };
}

/** The bytes a saved file has on disk: its UTF-8 text, or its base64 decoded. */
export function fileData(file: ProjectFile): Buffer | string {
  return file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content;
}

/** Every entry of the project's zip, by path: the starter under the saved files. */
export function archiveEntries(sources: ArchiveSources): ZipEntry[] {
  const generatedPaths = new Set(sources.generated.map((file) => file.path));
  const entries = [
    ...starterEntries({ ...sources, generatedPaths }),
    ...sources.generated.map((file) => ({ path: file.path, data: fileData(file) })),
  ];
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
