import type { ServiceId } from '../model';
import type { ServiceProvider } from './service';
import { selfCommunity } from './selfcommunity';
import { tines } from './tines';

/** Every supported service. Adding a third service = one new file in this folder + one line here. */
export const providers: readonly ServiceProvider[] = [selfCommunity, tines];

export function provider(id: ServiceId): ServiceProvider {
  const p = providers.find((x) => x.id === id);
  if (!p) throw new Error(`Unknown service ${id}`);
  return p;
}
