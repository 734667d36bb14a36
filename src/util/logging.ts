// Every line the action prints passes through redaction, and every warning is kept
// for the summary and the report.
import type { Logger } from '../ports.js';
import type { Redactor } from './redact.js';

export function redactingLogger(inner: Logger, redactor: Redactor, onWarning: (message: string) => void): Logger {
  const r = (m: string) => redactor.redact(m);
  return {
    debug: (m) => inner.debug(r(m)),
    info: (m) => inner.info(r(m)),
    notice: (m, t) => inner.notice(r(m), t && r(t)),
    warning: (m, t) => {
      const clean = r(m);
      onWarning(clean);
      inner.warning(clean, t && r(t));
    },
    error: (m, t) => inner.error(r(m), t && r(t)),
    group: (t, fn) => inner.group(r(t), fn),
    progress: (m) => inner.progress?.(r(m)),
  };
}
