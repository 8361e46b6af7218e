// Plans → Bitrix24 records shaped exactly like the API answers (reference/bitrix24.md):
// crm.lead.list rows (strings everywhere, "" or null for empty, PHONE/EMAIL multi-fields),
// crm.item.list deal items (numbers, camelCase, contactIds), crm.contact.list rows.
import type { B24ContactRaw, B24DealItemRaw, B24LeadRaw, B24MultiField } from '../sources/bitrix24/api-types';
import { CHANNELS, COMPANIES, FORM_SUBJECTS, OFFLINE_VISIT, PRODUCTS } from './catalog';
import { CRM_PHONE_STYLES, formatPhone, NS_LEGACY, person, type Person } from './people';
import type { DealPlan, LeadPlan } from './plan';
import { mix, rngFor, TAG, type Rng } from './rng';
import { spelled } from './spellings';
import { DAY, type Placement, type World } from './world';

const empty = (rng: Rng): string | null => (rng.chance(0.5) ? null : '');

interface UtmText {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
}

/** UTM values of a placement (null fields = not given), as record `h` typed them; ch -1 is an offline visit */
function utmOf(p: Placement | null, h: number): UtmText | null {
  if (!p) return null;
  if (p.ch < 0) return { source: OFFLINE_VISIT, medium: OFFLINE_VISIT, campaign: OFFLINE_VISIT, content: null, term: null };
  const ch = CHANNELS[p.ch];
  const camp = ch?.campaigns[p.camp];
  if (!ch || !camp) return null;
  return {
    source: spelled(camp.source ?? ch.source, mix(h, 1)),
    medium: spelled(ch.medium, mix(h, 2)),
    campaign: spelled(camp.name, mix(h, 3)),
    content: camp.contents[p.content] ?? null,
    term: camp.terms[p.term] ?? null,
  };
}

function mf(id: number, type: 'PHONE' | 'EMAIL', valueType: string, value: string): B24MultiField {
  return { ID: String(id), VALUE_TYPE: valueType, VALUE: value, TYPE_ID: type };
}

/** how people type e-mails into CRM cards: now and then capitalised or with stray spaces */
function typedEmail(rng: Rng, email: string): string {
  const u = rng.next();
  if (u < 0.06) return email.charAt(0).toUpperCase() + email.slice(1);
  if (u < 0.09) return ` ${email} `;
  if (u < 0.1) return email.toUpperCase();
  return email;
}

function phones(rng: Rng, who: Person, idBase: number, extraShare: number): B24MultiField[] {
  const out = [mf(idBase, 'PHONE', rng.chance(0.8) ? 'MOBILE' : 'WORK', formatPhone(who.mobile, rng.weighted(CRM_PHONE_STYLES)))];
  if (rng.chance(extraShare)) out.push(mf(idBase + 1, 'PHONE', 'WORK', formatPhone(who.landline, rng.chance(0.5) ? 1 : 2)));
  if (rng.chance(0.005)) out.push(mf(idBase + 2, 'PHONE', 'OTHER', rng.pick(['нет', '000', '-'])));
  return out;
}

/** absent key, [] or the fields — all three occur for "no phone" in real answers */
function multiField(rng: Rng, key: 'PHONE' | 'EMAIL', fields: B24MultiField[] | null): { PHONE?: B24MultiField[]; EMAIL?: B24MultiField[] } {
  const v = fields ?? (rng.chance(0.5) ? undefined : []);
  if (v === undefined) return {};
  return key === 'PHONE' ? { PHONE: v } : { EMAIL: v };
}

const SEMANTIC: Record<LeadPlan['status'], string> = { NEW: 'P', IN_PROCESS: 'P', PROCESSED: 'P', JUNK: 'F', CONVERTED: 'S' };

export function leadRecord(w: World, plan: LeadPlan): B24LeadRaw {
  const rng = rngFor(w.seed, TAG.leadText, plan.k);
  const who = person(w.seed, plan.client);
  const clock = w.cal.clock;
  const utm = plan.utm ? utmOf(plan.place, mix(w.seed, plan.id, 98)) : null;
  const text = (v: string | null | undefined) => v ?? empty(rng);
  const title = plan.offline
    ? `Визит в шоурум — ${who.first} ${who.last}`
    : plan.intake === 'call'
      ? `Входящий звонок ${formatPhone(who.mobile, 1)}`
      : plan.intake === 'form'
        ? `Заявка с сайта: ${rng.pick(FORM_SUBJECTS)}`
        : `${who.first} ${who.last}`;
  const contactId = w.leadContactId(plan.k);
  const converted = plan.deal !== null && plan.deal.contacts.includes(contactId);
  const idBase = 2_000_000 + plan.k * 4;
  const estimate = plan.deal?.amount;
  return {
    ID: String(plan.id),
    TITLE: title,
    STATUS_ID: plan.status,
    STATUS_SEMANTIC_ID: SEMANTIC[plan.status],
    SOURCE_ID: text(plan.sourceId),
    UTM_SOURCE: text(utm?.source),
    UTM_MEDIUM: text(utm?.medium),
    UTM_CAMPAIGN: text(utm?.campaign),
    UTM_CONTENT: text(utm?.content),
    UTM_TERM: text(utm?.term),
    OPPORTUNITY: estimate !== undefined && estimate !== null && plan.deal?.currency === 'RUB' ? estimate.toFixed(2) : '0.00',
    CURRENCY_ID: rng.chance(0.02) ? '' : 'RUB',
    DATE_CREATE: clock.b24(plan.at),
    DATE_MODIFY: clock.b24(plan.modifiedAt),
    DATE_CLOSED: plan.closedAt !== null ? clock.b24(plan.closedAt) : empty(rng),
    CONTACT_ID: converted ? String(contactId) : empty(rng),
    ASSIGNED_BY_ID: String(plan.assigned),
    ...multiField(rng, 'PHONE', plan.phone ? phones(rng, who, idBase, 0.05) : null),
    ...multiField(rng, 'EMAIL', plan.email && who.email ? [mf(idBase + 3, 'EMAIL', rng.chance(0.7) ? 'WORK' : 'HOME', typedEmail(rng, who.email))] : null),
  };
}

export function dealRecord(w: World, plan: DealPlan, id: number): B24DealItemRaw {
  const rng = rngFor(w.seed, TAG.dealText, id);
  const clock = w.cal.clock;
  const who = person(w.seed, plan.client);
  const utm = utmOf(plan.utm, mix(w.seed, id, 99));
  const company = plan.category === 1 ? rng.int(COMPANIES.length) : -1;
  const title = company >= 0 ? `Опт: ${COMPANIES[company] ?? ''}` : `${rng.pick(PRODUCTS)} — ${who.last}`;
  return {
    id,
    title,
    categoryId: plan.category,
    stageId: plan.stage,
    stageSemanticId: plan.semantic,
    opportunity: plan.amount ?? (rng.chance(0.66) ? 0 : null),
    currencyId: plan.currency,
    createdTime: clock.b24(plan.at),
    updatedTime: clock.b24(plan.updatedAt),
    movedTime: clock.b24(plan.movedAt),
    closedate: clock.b24Date(plan.closeDate),
    closed: plan.semantic === 'P' ? 'N' : 'Y',
    sourceId: plan.sourceId,
    utmSource: utm?.source ?? null,
    utmMedium: utm?.medium ?? null,
    utmCampaign: utm?.campaign ?? null,
    utmContent: utm?.content ?? null,
    utmTerm: utm?.term ?? null,
    leadId: plan.leadK >= 0 ? w.leadId(plan.leadK) : null,
    contactId: plan.contacts[0] ?? null,
    contactIds: plan.contacts,
    companyId: company >= 0 ? 101 + company : 0,
    assignedById: plan.assigned,
  };
}

/** An existing customer's contact (created before the demo year). */
export function legacyContactRecord(w: World, r: number): B24ContactRaw {
  const rng = rngFor(w.seed, TAG.contactText, r);
  const who = person(w.seed, NS_LEGACY + r);
  const modified = w.cal.start - Math.round(rng.range(1, 730) * DAY / 1000) * 1000;
  const idBase = 100_000 + r * 4;
  return {
    ID: String(w.legacyContactId(r)),
    NAME: who.first,
    LAST_NAME: who.last,
    DATE_MODIFY: w.cal.clock.b24(modified),
    ...multiField(rng, 'PHONE', rng.chance(0.95) ? phones(rng, who, idBase, 0.1) : null),
    ...multiField(rng, 'EMAIL', who.email && rng.chance(0.9) ? [mf(idBase + 3, 'EMAIL', 'HOME', typedEmail(rng, who.email))] : null),
  };
}

/** The contact created when lead `plan` converted into its deal. */
export function leadContactRecord(w: World, plan: LeadPlan, deal: DealPlan): B24ContactRaw {
  const rng = rngFor(w.seed, TAG.contactText, 1_000_000_000 + plan.k);
  const who = person(w.seed, plan.client);
  const idBase = 10_000_000 + plan.k * 4;
  const modified = rng.chance(0.2) ? deal.at + Math.round((w.now - deal.at) * rng.next() * 0.5 / 1000) * 1000 : deal.at;
  const email = who.email && (plan.email || rng.chance(0.3)) ? who.email : null;
  return {
    ID: String(w.leadContactId(plan.k)),
    NAME: who.first,
    LAST_NAME: rng.chance(0.9) ? who.last : empty(rng),
    DATE_MODIFY: w.cal.clock.b24(modified),
    ...multiField(rng, 'PHONE', plan.phone ? phones(rng, who, idBase, 0.1) : null),
    ...multiField(rng, 'EMAIL', email ? [mf(idBase + 3, 'EMAIL', rng.chance(0.6) ? 'WORK' : 'HOME', typedEmail(rng, email))] : null),
  };
}
