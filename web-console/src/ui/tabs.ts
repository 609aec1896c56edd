import { h } from './dom';

export interface TabSpec {
  id: string;
  label: string;
  panel: HTMLElement;
}

/**
 * Tabs after the WAI-ARIA pattern: arrow keys, Home and End move between them; `onShow` says which is visible.
 */
export function tabs(name: string, specs: TabSpec[], onShow: (id: string) => void = () => {}): HTMLElement {
  const buttons = specs.map((spec) => h('button', {
    type: 'button', role: 'tab', id: `${name}-tab-${spec.id}`, 'aria-controls': `${name}-panel-${spec.id}`,
  }, spec.label));
  const list = h('div', { role: 'tablist', class: 'tablist', 'aria-label': name });
  list.append(...buttons);
  specs.forEach((spec) => {
    spec.panel.id = `${name}-panel-${spec.id}`;
    spec.panel.setAttribute('role', 'tabpanel');
    spec.panel.setAttribute('aria-labelledby', `${name}-tab-${spec.id}`);
  });
  const select = (index: number, focus: boolean) => {
    buttons.forEach((button, i) => {
      button.setAttribute('aria-selected', String(i === index));
      button.tabIndex = i === index ? 0 : -1;
      specs[i]!.panel.hidden = i !== index;
    });
    if (focus) {
      buttons[index]!.focus();
    }
    onShow(specs[index]!.id);
  };
  buttons.forEach((button, index) => {
    button.addEventListener('click', () => select(index, false));
    button.addEventListener('keydown', (event) => {
      const keys: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0,
        End: buttons.length - 1 };
      const target = keys[event.key];
      if (target !== undefined) {
        event.preventDefault();
        select((target + buttons.length) % buttons.length, true);
      }
    });
  });
  select(0, false);
  return h('div', { class: 'tabs' }, list, ...specs.map((spec) => spec.panel));
}
