import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { signInPage } from './auth/signIn';
import { TokenStore } from './auth/token';
import { startApp } from './app';

interface ConsoleConfig {
  devSignIn: boolean;
}

async function config(): Promise<ConsoleConfig> {
  try {
    const response = await fetch('/console-config.json', { cache: 'no-store' });
    return response.ok ? ((await response.json()) as ConsoleConfig) : { devSignIn: false };
  } catch {
    return { devSignIn: false };
  }
}

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  const tokens = new TokenStore(sessionStorage);
  const settings = await config();
  const show = (reason: string | null) => {
    if (tokens.get()) {
      startApp(root, tokens, (why) => {
        tokens.clear();
        show(why);
      });
    } else {
      root.replaceChildren(signInPage(settings.devSignIn, reason, (token) => {
        tokens.set(token);
        show(null);
      }));
      root.querySelector<HTMLElement>('#dev-sign-in, #token')?.focus();
    }
  };
  show(null);
}

void boot();
