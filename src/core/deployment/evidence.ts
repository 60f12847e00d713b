/**
 * The rule for links given as evidence: `https:` only, unless the team
 * configuration lists the host under `evidence_http_hosts` (an exact host, or
 * "*.corp.example" for its subdomains); never a user name or password before the
 * host, which is how a link hides its real host ("https://grafana.example.com@evil.example/").
 * The answers are plain text: they are shown as a modal field error.
 */
export type EvidenceLink = { ok: true; url: string } | { ok: false; error: string };

const NOT_A_LINK = 'Paste a link starting with https://';

export function checkEvidenceLink(raw: string, httpHosts: readonly string[] = []): EvidenceLink {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, error: NOT_A_LINK };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, error: NOT_A_LINK };
  if (url.username || url.password) {
    return {
      ok: false,
      error:
        'Remove the part before "@" in the link: a link names its host right after https://, without a user name or password.',
    };
  }
  if (url.protocol === 'http:' && !hostAllowed(url.hostname, httpHosts)) {
    return {
      ok: false,
      error: `Use an https:// link. http:// is accepted only for the hosts the team configuration lists in evidence_http_hosts, and ${url.hostname.slice(0, 60)} is not one of them.`,
    };
  }
  return { ok: true, url: url.toString() };
}

/** "grafana.corp" matches itself; "*.corp.example" matches any host under corp.example. */
export function hostAllowed(hostname: string, hosts: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return hosts.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e.startsWith('*.') ? host.endsWith(e.slice(1)) && host.length > e.length - 1 : host === e;
  });
}
