// The messages the API sends, in French (the product's language), each as text and as HTML with the
// same words. Links point at the frontend's pages (FRONTEND_URL), the same paths as the original app's.

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** FRONTEND_URL + path + ?token=…, without doubling a slash. */
export function frontendLink(frontendUrl: string, path: string, token: string): string {
  const url = new URL(path.replace(/^\//, ''), frontendUrl.endsWith('/') ? frontendUrl : `${frontendUrl}/`);
  url.searchParams.set('token', token);
  return url.toString();
}

const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

function delay(minutes: number): string {
  return minutes % 60 === 0 ? plural(minutes / 60, 'heure') : plural(minutes, 'minute');
}

/** Paragraphs and one button-like link, wrapped in a minimal page (inline styles only: mail clients drop the rest). */
function html(title: string, paragraphs: string[], link: { label: string; url: string }, after: string[]): string {
  const p = (t: string) => `<p style="margin:0 0 16px">${escapeHtml(t)}</p>`;
  const url = escapeHtml(link.url);
  return [
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>' + escapeHtml(title) + '</title></head>',
    '<body style="font-family:Arial,Helvetica,sans-serif;color:#1b1b2f;line-height:1.5;max-width:560px;margin:0 auto;padding:24px">',
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(title)}</h1>`,
    ...paragraphs.map(p),
    `<p style="margin:0 0 16px"><a href="${url}" style="display:inline-block;background:#3b4cca;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(link.label)}</a></p>`,
    `<p style="margin:0 0 16px;font-size:13px;color:#555">Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur&nbsp;: <br><a href="${url}">${url}</a></p>`,
    ...after.map(p),
    '<p style="margin:24px 0 0;font-size:13px;color:#555">Que la Force soit avec toi,<br>L’équipe Mathakine</p>',
    '</body></html>',
  ].join('\n');
}

const SIGNATURE = 'Que la Force soit avec toi,\nL’équipe Mathakine';

export function verificationMessage(to: { email: string; username: string }, link: string, ttlHours: number): MailMessage {
  const title = 'Confirme ton adresse e-mail';
  const intro = [`Bonjour ${to.username},`, 'Pour confirmer que cette adresse est bien la tienne sur Mathakine, ouvre le lien ci-dessous.'];
  const after = [
    `Ce lien est valable ${delay(ttlHours * 60)} et ne sert qu’une fois.`,
    'Si tu n’as pas créé de compte Mathakine ni changé ton adresse, ignore ce message : rien ne changera.',
  ];
  return {
    to: to.email,
    subject: 'Mathakine – confirme ton adresse e-mail',
    text: [...intro, link, ...after, SIGNATURE].join('\n\n'),
    html: html(title, intro, { label: 'Confirmer mon adresse', url: link }, after),
  };
}

export function passwordResetMessage(to: { email: string; username: string }, link: string, ttlMinutes: number): MailMessage {
  const title = 'Choisis un nouveau mot de passe';
  const intro = [
    `Bonjour ${to.username},`,
    'Quelqu’un (sans doute toi) a demandé à changer le mot de passe de ton compte Mathakine. Pour en choisir un nouveau, ouvre le lien ci-dessous.',
  ];
  const after = [
    `Ce lien est valable ${delay(ttlMinutes)} et ne sert qu’une fois. Une fois le mot de passe changé, tous tes appareils devront se reconnecter.`,
    'Si tu n’as rien demandé, ignore ce message : ton mot de passe reste le même.',
  ];
  return {
    to: to.email,
    subject: 'Mathakine – nouveau mot de passe',
    text: [...intro, link, ...after, SIGNATURE].join('\n\n'),
    html: html(title, intro, { label: 'Choisir un nouveau mot de passe', url: link }, after),
  };
}
