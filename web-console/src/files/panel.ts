import { inContainer, type Api } from '../api/client';
import { describe } from '../api/problem';
import type { FileEntry, Session } from '../api/types';
import { h, replace } from '../ui/dom';
import { Notice } from '../ui/notice';
import { ago } from '../ui/time';
import { baseName, formatSize, isZip, join, normalize, parent, pathProblem } from './paths';
import { upload, type Upload } from './upload';

const HOME = '/workspace';

/** Upload files or zips into the session, browse its directories, download and delete files. */
export class FilesPanel {
  readonly element = h('div', { class: 'files' });
  private readonly directory = h('input', { class: 'path', value: HOME, 'aria-label': 'Directory',
    spellcheck: 'false' });
  private readonly listing = h('div', { class: 'file-listing' });
  private readonly listNotice = new Notice();
  private readonly chooser = h('input', { type: 'file', id: 'upload-file', 'aria-label': 'File to upload' });
  private readonly target = h('input', { class: 'path', id: 'upload-target', value: HOME, spellcheck: 'false' });
  private readonly extract = h('input', { type: 'checkbox', id: 'upload-extract', checked: true });
  private readonly progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  private readonly uploadNotice = new Notice();
  private readonly uploadButton = h('button', { type: 'submit', class: 'primary' }, 'Upload');
  private session: Session | null = null;
  private container: string | null = null;
  private current: Upload | null = null;

  constructor(private readonly api: Api) {
    const browse = h('form', { class: 'file-bar', 'aria-label': 'Browse' },
      h('button', { type: 'button', title: 'Parent directory', 'aria-label': 'Parent directory',
        onclick: () => void this.browse(parent(this.directory.value)) }, '↑'),
      this.directory,
      h('button', { type: 'submit' }, 'Open'));
    browse.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.browse(this.directory.value.trim());
    });
    const send = h('form', { class: 'upload', 'aria-label': 'Upload' },
      h('h3', {}, 'Upload'),
      this.chooser,
      h('label', { for: 'upload-target' }, 'Into directory'), this.target,
      h('label', { class: 'check' }, this.extract, ' Extract a zip into the directory'),
      h('div', { class: 'upload-actions' }, this.uploadButton, this.progress),
      this.uploadNotice.element);
    send.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.upload();
    });
    this.element.append(send, h('h3', {}, 'Browse'), browse, this.listNotice.element, this.listing);
  }

  /** Shows the files of the session's container of that name (null: its first). */
  show(session: Session | null, container: string | null = null): void {
    const changed = session?.id !== this.session?.id || (session?.status === 'RUNNING')
      !== (this.session?.status === 'RUNNING') || container !== this.container;
    this.session = session;
    this.container = container;
    if (!changed) {
      return;
    }
    this.current?.cancel();
    this.uploadNotice.clear();
    this.progress.hidden = true;
    if (session?.status === 'RUNNING') {
      void this.browse(this.where() === this.listing.dataset.where ? this.directory.value : HOME);
    } else {
      this.listNotice.show(session ? `Files can be reached while the session is RUNNING; it is ${session.status}.`
        : 'Select a session to see its files.');
      replace(this.listing);
    }
  }

  /** Which file system the panel shows: the session's, in which container. */
  private where(): string {
    return `${this.session?.id}/${this.container ?? ''}`;
  }

  private async browse(path: string): Promise<void> {
    const session = this.session;
    const container = this.container;
    const where = this.where();
    const problem = pathProblem(path);
    if (problem) {
      this.listNotice.show(problem, 'error');
      return;
    }
    if (!session || session.status !== 'RUNNING') {
      return;
    }
    const directory = normalize(path);
    this.directory.value = directory;
    this.listNotice.show(`Reading ${directory}…`);
    try {
      const entries = await this.api.listFiles(session.id, container, directory);
      if (this.where() !== where) {
        return;
      }
      this.listing.dataset.where = where;
      this.listNotice.clear();
      this.render(directory, entries);
    } catch (error) {
      if (this.where() === where) {
        this.listNotice.show(describe(error), 'error');
        replace(this.listing);
      }
    }
  }

  private render(directory: string, entries: FileEntry[]): void {
    const sorted = [...entries].sort((a, b) => Number(b.type === 'directory') - Number(a.type === 'directory')
      || a.name.localeCompare(b.name));
    if (sorted.length === 0) {
      replace(this.listing, h('p', { class: 'hint' }, 'This directory is empty.'));
      return;
    }
    const now = Date.now();
    replace(this.listing, h('table', { class: 'file-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Size'), h('th', {}, 'Modified'),
        h('th', {}, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, ...sorted.map((entry) => {
        const path = join(directory, entry.name);
        const name = entry.type === 'directory'
          ? h('button', { type: 'button', class: 'link', onclick: () => void this.browse(path) }, `${entry.name}/`)
          : h('span', {}, entry.type === 'symlink' ? `${entry.name} →` : entry.name);
        return h('tr', {},
          h('td', {}, name),
          h('td', {}, entry.type === 'file' ? formatSize(entry.size) : ''),
          h('td', {}, entry.modifiedAt ? h('time', { datetime: entry.modifiedAt }, ago(entry.modifiedAt, now)) : ''),
          h('td', { class: 'file-actions' },
            entry.type === 'file' ? h('button', { type: 'button', 'aria-label': `Download ${entry.name}`,
              onclick: () => void this.download(path) }, 'Download') : null,
            h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${entry.name}`,
              onclick: () => void this.remove(path, entry) }, 'Delete')));
      }))));
  }

  private async upload(): Promise<void> {
    const session = this.session;
    const file = this.chooser.files?.[0];
    const directory = this.target.value.trim();
    if (!session || session.status !== 'RUNNING') {
      this.uploadNotice.show('Files can be uploaded while the session is RUNNING', 'error');
      return;
    }
    if (!file) {
      this.uploadNotice.show('Choose a file first', 'error');
      return;
    }
    const problem = pathProblem(directory);
    if (problem) {
      this.uploadNotice.show(problem, 'error');
      return;
    }
    const archive = this.extract.checked && isZip(file);
    const destination = archive ? normalize(directory) : join(directory, file.name);
    const query = `path=${encodeURIComponent(destination)}${inContainer(this.container)}`;
    const url = `/api/v1/sessions/${session.id}/files${archive ? '/archive' : ''}?${query}`;
    this.progress.hidden = false;
    this.progress.value = 0;
    this.uploadButton.disabled = true;
    this.uploadNotice.show(archive ? `Extracting ${file.name} into ${destination}…` : `Uploading ${file.name}…`);
    this.current = upload({
      url, body: file, method: archive ? 'POST' : 'PUT', headers: this.api.authorization(),
      contentType: archive ? 'application/zip' : 'application/octet-stream',
      onProgress: (fraction) => {
        this.progress.value = fraction;
      },
    });
    try {
      await this.current.done;
      this.uploadNotice.show(archive ? `${file.name} extracted into ${destination}`
        : `${file.name} written to ${destination}`, 'success');
      await this.browse(archive ? destination : parent(destination));
    } catch (error) {
      this.uploadNotice.show(`Not uploaded: ${describe(error)}`, 'error');
    } finally {
      this.current = null;
      this.uploadButton.disabled = false;
    }
  }

  private async download(path: string): Promise<void> {
    const session = this.session;
    if (!session) {
      return;
    }
    try {
      const response = await this.api.download(session.id, this.container, path);
      const url = URL.createObjectURL(await response.blob());
      const link = h('a', { href: url, download: baseName(path) });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.listNotice.show(describe(error), 'error');
    }
  }

  private async remove(path: string, entry: FileEntry): Promise<void> {
    const session = this.session;
    const what = entry.type === 'directory' ? `the directory ${path} (only an empty one can be deleted)` : path;
    if (!session || !window.confirm(`Delete ${what}?`)) {
      return;
    }
    try {
      await this.api.deleteFile(session.id, this.container, path);
      this.listNotice.show(`${path} deleted`, 'success');
      await this.browse(parent(path));
    } catch (error) {
      this.listNotice.show(describe(error), 'error');
    }
  }
}
