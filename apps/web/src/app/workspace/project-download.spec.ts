import { HttpErrorResponse } from '@angular/common/http';
import { fileNameFromDisposition, withJsonErrorBody, zipFileName } from './project-download';

describe(zipFileName.name, () => {
  it('names the zip after the project', () => {
    expect(zipFileName('Todo app — dark mode!')).toBe('todo-app-dark-mode.zip');
    expect(zipFileName('Café')).toBe('cafe.zip');
    expect(zipFileName('✨')).toBe('project.zip');
  });
});

describe(fileNameFromDisposition.name, () => {
  it('reads the plain and the encoded forms', () => {
    expect(fileNameFromDisposition('attachment; filename="todo-app.zip"')).toBe('todo-app.zip');
    expect(fileNameFromDisposition("attachment; filename*=UTF-8''caf%C3%A9.zip")).toBe('café.zip');
    expect(fileNameFromDisposition('attachment; filename=a/b.zip')).toBe('a_b.zip');
    expect(fileNameFromDisposition('attachment')).toBeNull();
    expect(fileNameFromDisposition(null)).toBeNull();
  });
});

describe(withJsonErrorBody.name, () => {
  beforeAll(() => {
    // jsdom's Blob has no text(), which every browser has had since 2020.
    Blob.prototype.text ??= function (this: Blob) {
      return new Promise<string>((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.readAsText(this);
      });
    };
  });

  it("reads a blob error's JSON body back", async () => {
    const error = new HttpErrorResponse({
      status: 413,
      error: new Blob([JSON.stringify({ message: 'Too large to zip.' })]),
    });
    const read = (await withJsonErrorBody(error)) as HttpErrorResponse;
    expect(read.status).toBe(413);
    expect(read.error).toEqual({ message: 'Too large to zip.' });
  });
});
