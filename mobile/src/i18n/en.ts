import type zh from './zh-CN';

/** The phone app in English: the same keys as zh-CN.ts. */
const en: typeof zh = {
  app: { name: 'Delivery', title: 'LPG delivery' },
  common: { back: 'Back', ok: 'Got it', cancel: 'Cancel', submit: 'Save', required: 'Required', none: 'None' },
  net: { online: 'Online', offline: 'Offline', syncing: 'Uploading…', pending: '{n} to upload', synced: 'All uploaded', lastSync: 'Last sync {at}' },
  login: {
    title: 'Delivery worker login', username: 'Username', password: 'Password', submit: 'Log in', failed: 'Wrong username or password, or the account is deactivated',
    offline: 'The first login needs the network', notWorker: 'This account is not a delivery worker', otherWorker: 'The phone holds unsent records of {name}: {name} must log in and upload them first', hint: 'Log in once for the shift; record offline, uploads follow when online',
  },
  account: {
    ended: 'The account was deactivated or the session ended: log in again. The {n} unsent records stay on the phone and upload after you log in.',
    relogin: 'Log in again',
  },
  home: {
    hello: 'Hello, {name}', load: 'Load at station', visit: 'Deliver', outbox: 'Uploads', endDay: 'End of day', customerSearch: 'Search customers (name, address, phone)',
    customers: '{n} customers on the phone', noCustomers: 'No customer found', syncNow: 'Upload now',
  },
  scan: {
    open: 'Scan', manual: 'Type the GRAI or stamped serial', add: 'Add', torch: 'Torch', close: 'Done', unsupported: 'The camera cannot be opened: type the code',
    added: 'Added {name}', again: 'Already in the list', starting: 'Opening the camera…', reader: { native: 'system reader', polyfill: 'built-in reader' },
    problems: {
      NOT_A_CITY_CODE: 'Not a city cylinder code', FOREIGN_DOMAIN: 'Not a code the city issued (from elsewhere, or forged)', BAD_CHECK_DIGIT: 'Wrong check digit (damaged or forged code)',
      FOREIGN_PREFIX: 'Not a city cylinder number (company prefix differs)', MISSING_SIGNATURE: 'No anti-forgery signature (likely forged)', BAD_SIGNATURE: 'Malformed anti-forgery signature (likely forged)',
    },
    noCity: 'The phone lacks the city\'s code rules: open the app online once, then scan',
  },
  load: { title: 'Load at station', site: 'Leaving from', vehicle: 'Vehicle', cylinders: 'Full cylinders loaded', choose: 'Choose', saved: 'Load recorded' },
  visit: {
    title: 'Delivery visit', customer: 'Customer', deliver: 'Full in', collect: 'Empty out', returnTo: 'Empties go back to', rejectedFull: 'Full cylinder refused',
    check: 'Home safety check', doCheck: 'Check this visit', photo: 'Photo', photoSize: 'Photo {kb} KB (was {orig} KB)', confirmation: 'Customer confirms',
    methods: { phone_last4: 'Phone digits', one_time_code: 'Hand-over code', signature: 'Signature', none: 'Not confirmed' },
    phoneLast4: 'Last four digits of the phone', code: '6-digit hand-over code', sign: 'Customer signs in the box', clearSign: 'Clear', noneReason: 'Why (e.g. nobody home)',
    saved: 'Saved on the phone; uploads when online', empty: 'Deliver, collect or check at least one', needConfirmation: 'Complete the customer\'s confirmation', needChecklist: 'Answer every check item',
    results: { pass: 'Pass', fail: 'Fail', na: 'N/A' }, allPass: 'All others pass',
  },
  outbox: {
    title: 'Uploads', empty: 'Nothing on the phone', clear: 'Clear uploaded', clearBlocked: 'Some records are unsent or unread: cannot clear', cleared: 'Cleared',
    resend: 'Send again', kinds: { load: 'Load', receipt: 'Receipt', visit: 'Visit', safety_check: 'Check' },
    states: { pending: 'Pending', stored: 'Uploaded', duplicate: 'Uploaded (duplicate)', refused: 'Refused', collision: 'Collision', invalid: 'To correct' },
    explain: {
      stored: 'Recorded by the platform', duplicate: 'The platform had it already; not recorded twice', refused: 'Refused by the platform: ', collision: 'Collides with another record; the enterprise admin resolves it: ',
      invalid: 'Not recorded; correct and send again: ', pending: 'Uploads when online',
    },
    hazards: '{n} hazards found',
  },
  day: {
    title: 'End of day', visits: 'Visits', delivered: 'Full delivered', collected: 'Empties collected', checks: 'Safety checks', loads: 'Loads', pending: 'To upload',
    finish: 'Upload and finish', logout: 'Log out', logoutBlocked: '{n} records unsent: upload them before logging out', done: 'Everything of today is uploaded',
  },
  language: { switch: '中文' },
};
export default en;
