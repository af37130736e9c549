/**
 * The status bar item: protection on/off and the number of findings in the current
 * notebook. Data attributes carry the same facts for tests and the timing measurement.
 */
import { Widget } from '@lumino/widgets';

import { IScanTiming } from './markers';

export const STATUS_ID = 'aisafe-nb-status';

export class StatusItem extends Widget {
  constructor() {
    super();
    this.id = STATUS_ID;
    this.addClass('aisafe-nb-status');
    this.setState(true, null, null);
  }

  /** Record whether the server side (save hook, /aisafe-nb/ API) answered. */
  setServerAvailable(available: boolean): void {
    this._serverAvailable = available;
  }

  /** Show the state; `count` is null when no notebook is current. */
  setState(enabled: boolean, count: number | null, timing: IScanTiming | null): void {
    const node = this.node;
    if (!this._serverAvailable) {
      node.classList.add('aisafe-nb-status-off');
      node.setAttribute('data-enabled', 'false');
      node.textContent = 'AI-Safe: no server';
      node.title =
        'The aisafe_nb server extension is not running: saves are NOT sanitized. ' +
        'Check `jupyter server extension list`.';
      return;
    }
    node.classList.toggle('aisafe-nb-status-off', !enabled);
    node.classList.toggle('aisafe-nb-status-alert', enabled && !!count);
    node.setAttribute('data-enabled', String(enabled));
    node.setAttribute('data-findings', count === null ? '' : String(count));
    if (timing) {
      node.setAttribute('data-scan-ms', timing.totalMs.toFixed(1));
      node.setAttribute('data-server-ms', timing.serverMs.toFixed(1));
      node.setAttribute('data-scan-cells', String(timing.cells));
    }
    if (!enabled) {
      node.textContent = 'AI-Safe: off';
      node.title = 'aisafe-nb protection is off (Settings > aisafe-nb)';
    } else if (count === null) {
      node.textContent = 'AI-Safe: on';
      node.title = 'aisafe-nb: notebooks are sanitized when saved';
    } else {
      node.textContent = count === 0 ? 'AI-Safe: on · clean' : `AI-Safe: ${count} finding(s)`;
      node.title =
        count === 0
          ? 'aisafe-nb: no secrets or personal data found in this notebook'
          : 'aisafe-nb: cells with findings are marked; secrets are redacted on save';
    }
  }

  private _serverAvailable = true;
}
