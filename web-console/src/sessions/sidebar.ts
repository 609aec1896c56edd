import type { Api } from '../api/client';
import { describe } from '../api/problem';
import { STATUSES, type Images, type Session, type Template } from '../api/types';
import { badge, h, replace } from '../ui/dom';
import { Notice } from '../ui/notice';
import { ago, formatRemaining, secondsUntil } from '../ui/time';
import { isLive, projects, visible, type Filter } from './state';
import type { SessionStore } from './store';

const PROJECT_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}';
/** The template of a single workspace container, made of the image chosen. */
const DEFAULT_TEMPLATE = 'node';

/** The left column: create a session, filter the list, pick one, end them all. */
export class Sidebar {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'session-list', 'aria-label': 'Sessions' });
  private readonly rows = new Map<string, HTMLLIElement>();
  private readonly filter: Filter = { status: 'LIVE', project: '' };
  private readonly projectFilter = h('select', { 'aria-label': 'Filter by project' });
  private readonly empty = h('p', { class: 'empty' });
  private readonly notice = new Notice();
  private readonly createNotice = new Notice();
  private readonly imageField = h('span', { class: 'image-field' });
  /** Shown once the server lists templates beside the default one. */
  private readonly templateField = h('span', { class: 'template-field', hidden: true });

  constructor(private readonly api: Api, private readonly store: SessionStore) {
    const statusFilter = h('select', { 'aria-label': 'Filter by status', onchange: (e) => {
      this.filter.status = (e.target as HTMLSelectElement).value;
      this.render();
    } }, h('option', { value: 'LIVE' }, 'Live'), h('option', { value: '' }, 'All statuses'),
    ...STATUSES.map((status) => h('option', { value: status }, status)));
    this.projectFilter.addEventListener('change', () => {
      this.filter.project = this.projectFilter.value;
      this.render();
    });
    this.element = h('aside', { class: 'sidebar', 'aria-label': 'Sessions' },
      this.createForm(),
      h('div', { class: 'filters' }, statusFilter, this.projectFilter),
      this.list,
      this.empty,
      h('div', { class: 'sidebar-footer' },
        h('button', { type: 'button', class: 'danger', onclick: () => void this.deleteAll() }, 'Delete all…'),
        this.notice.element));
    store.subscribe(() => this.render());
    this.render();
  }

  /** The allowed images, or a text field with the default when the server does not list them. */
  async loadImages(): Promise<void> {
    let images: Images | null = null;
    try {
      images = await this.api.images();
    } catch {
      images = null;
    }
    if (images && images.allowedImages.length > 0) {
      replace(this.imageField, h('select', { name: 'image', id: 'create-image' },
        ...images.allowedImages.map((image) => h('option', { value: image, selected: image === images.defaultImage },
          image))));
    } else {
      replace(this.imageField, h('input', { name: 'image', id: 'create-image', value: 'berth/workspace:latest' }));
    }
    this.templateChosen();
  }

  /** The templates the caller may use, to choose from when there are more than the default one. */
  async loadTemplates(): Promise<void> {
    let templates: Template[];
    try {
      templates = await this.api.templates();
    } catch {
      return; // the default template then, made of the image chosen
    }
    if (!templates.some((template) => template.name !== DEFAULT_TEMPLATE)) {
      return;
    }
    const select = h('select', { name: 'template', id: 'create-template', onchange: () => this.templateChosen() },
      ...templates.map((template) => h('option', { value: template.name, selected: template.name === DEFAULT_TEMPLATE,
        disabled: !template.enabled, title: [template.description, template.containers.map((c) => `${c.name}: `
          + c.image).join(', ')].filter(Boolean).join(' · ') },
      template.enabled ? template.name : `${template.name} (disabled)`)));
    replace(this.templateField, h('label', { for: 'create-template' }, 'Template'), select);
    this.templateField.hidden = false;
  }

  /** The image is chosen only for the default template: the others name their own. */
  private templateChosen(): void {
    const template = this.templateField.querySelector('select')?.value ?? DEFAULT_TEMPLATE;
    this.imageField.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name=image]')
      .forEach((field) => { field.disabled = template !== DEFAULT_TEMPLATE; });
  }

  private createForm(): HTMLFormElement {
    const form = h('form', { class: 'create', 'aria-label': 'New session' },
      h('h2', {}, 'New session'),
      this.templateField,
      h('label', { for: 'create-image' }, 'Image'), this.imageField,
      h('label', { for: 'create-duration' }, 'Duration (minutes)'),
      h('input', { id: 'create-duration', name: 'duration', type: 'number', min: 1, max: 480, value: 60,
        required: true }),
      h('label', { for: 'create-project' }, 'Project (optional)'),
      h('input', { id: 'create-project', name: 'project', pattern: PROJECT_PATTERN, maxlength: 64,
        placeholder: 'demo', title: 'Letters, digits, ".", "_" or "-"' }),
      h('button', { type: 'submit', class: 'primary' }, 'Create session'),
      this.createNotice.element);
    this.imageField.append(h('input', { name: 'image', id: 'create-image', value: 'berth/workspace:latest' }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.create(form);
    });
    return form;
  }

  private async create(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const project = String(data.get('project') ?? '').trim();
    const template = String(data.get('template') ?? DEFAULT_TEMPLATE);
    const button = form.querySelector('button[type=submit]') as HTMLButtonElement;
    button.disabled = true;
    this.createNotice.show('Creating…');
    try {
      const session = await this.api.createSession({
        ...(template !== DEFAULT_TEMPLATE ? { template } : {}),
        image: String(data.get('image') ?? '').trim() || undefined,
        durationMinutes: Number(data.get('duration')),
        ...(project ? { projectId: project } : {}),
      });
      this.store.answer(session);
      this.store.select(session.id);
      this.createNotice.show(`Session ${session.id.slice(0, 8)} requested`, 'success');
    } catch (error) {
      this.createNotice.show(describe(error), 'error');
    } finally {
      button.disabled = false;
    }
  }

  private async deleteAll(): Promise<void> {
    const live = [...this.store.current.sessions.values()].filter(isLive).length;
    if (!window.confirm(`End all your live sessions (${live})? Their containers and files are removed.`)) {
      return;
    }
    try {
      const answer = await this.api.deleteAllSessions();
      this.notice.show(`${answer.count} session${answer.count === 1 ? '' : 's'} ending`, 'success');
    } catch (error) {
      this.notice.show(describe(error), 'error');
    }
  }

  render(): void {
    const state = this.store.current;
    const names = projects(state);
    if (this.projectFilter.options.length !== names.length + 1
      || names.some((name, i) => this.projectFilter.options[i + 1]?.value !== name)) {
      replace(this.projectFilter, h('option', { value: '' }, 'All projects'),
        ...names.map((name) => h('option', { value: name, selected: name === this.filter.project }, name)));
    }
    const sessions = visible(state, this.filter);
    const wanted = new Set(sessions.map((s) => s.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
    sessions.forEach((session, index) => {
      let row = this.rows.get(session.id);
      if (!row) {
        row = h('li', {});
        this.rows.set(session.id, row);
      }
      this.fill(row, session);
      if (this.list.children[index] !== row) {
        this.list.insertBefore(row, this.list.children[index] ?? null);
      }
    });
    this.empty.textContent = sessions.length > 0 ? ''
      : state.sessions.size > 0 ? 'No session matches the filter.' : 'No sessions yet: create one above.';
  }

  private fill(row: HTMLLIElement, session: Session): void {
    const selected = this.store.selectedSessionId === session.id;
    const key = `${session.status}:${session.updatedAt}:${session.expiresAt}:${selected}`;
    if (row.dataset.key === key) {
      return;
    }
    row.dataset.key = key;
    const existing = row.querySelector('button');
    const hadFocus = existing !== null && existing === document.activeElement;
    const button = h('button', { type: 'button', class: 'session-row', 'data-session': session.id,
      'aria-current': selected ? 'true' : null, onclick: () => this.store.select(session.id) },
    h('span', { class: 'row-top' }, badge(session.status), h('code', {}, session.id.slice(0, 8)),
      session.projectId ? h('span', { class: 'project' }, session.projectId) : null),
    h('span', { class: 'row-meta' }, session.image),
    h('span', { class: 'row-meta' }, `${session.owner} · created `,
      h('time', { datetime: session.createdAt, 'data-ago': session.createdAt }, ago(session.createdAt, Date.now())),
      isLive(session) && session.expiresAt ? ' · ' : null,
      isLive(session) && session.expiresAt ? h('span', { 'data-expires': session.expiresAt,
        title: 'Time left on the lease' }, formatRemaining(secondsUntil(session.expiresAt, Date.now()))) : null));
    replace(row, button);
    if (hadFocus) {
      button.focus();
    }
  }
}
