// privacy.js: the applicant's privacy centre (/privacy). Everything it
// shows comes from `me` through the public API; who may see each category
// is the data map's (the page's configuration, as GET /datamap).
"use strict";

const { t, el, gql, when } = CG;

CG.add({
  en: {
    title: "Privacy centre", myData: "My data", whoSaw: "Who saw my data",
    myDataHelp: "Everything held about you, by category, with who may see each category under the policy (the data map), when you consented and withhold nothing.",
    seenBy: "Who may see it:", onlyYou: "Only you.", noProfile: "No profile yet for this account.",
    filterEmployer: "Employer", all: "All", signedIn: "Signed in as",
    since: "Provided since", endsAt: "Provision ends", keeps: "Kept after the end", ended: "ended", whileApplying: "while an application is open",
    at: "When", recipient: "Recipient", purposes: "Purposes", released: "Categories released", legalBasis: "Legal basis", policyVersion: "Policy version",
    PLAIN: "plain", MASK: "masked", STATISTICS: "as a statistic",
    NAME: "Name", BIRTH_DATE: "Date of birth", SEX: "Sex", ADDRESS_REGION: "Address (prefecture, city)", ADDRESS_STREET: "Address (street)",
    PHONE: "Telephone", EMAIL: "Email", OCCUPATION: "Occupation", WORKPLACE: "Workplace", VISA: "Status of residence",
    EDUCATION: "Education", WORK_HISTORY: "Work history", QUALIFICATIONS: "Qualifications", SELF_PR: "Self-PR", FAMILY: "Family",
    EMERGENCY_CONTACT: "Emergency contact", HOUSING: "Housing", PREFERENCES: "Preferences", APPLICATION_ANSWERS: "Answers to employers' questions", NETWORK: "Network (IP address)",
    EMPLOYER_PROVISION: "Provision to employers", SERVICE: "Providing the service", MAIL_MAGAZINE: "Mail magazine", FEEDBACK: "Feedback surveys",
    ADVERTISING: "Advertising", INQUIRY: "Answering inquiries", ANALYTICS: "Analytics",
    APPLICANT: "Applicant", EMPLOYER: "Employer", SUPPORT: "Support", MARKETING: "Marketing", ANALYST: "Analyst", COMPLIANCE: "Compliance", ADMIN: "Administrator", ANONYMOUS: "Anyone",
  },
  ja: {
    title: "プライバシーセンター", myData: "私のデータ", whoSaw: "私のデータを見た人",
    myDataHelp: "あなたについて保持しているすべての情報を区分ごとに表示し、同意していて何も留保していない場合に、ポリシー（データマップ）上だれが各区分を見られるかを示します。",
    seenBy: "閲覧できる者:", onlyYou: "あなただけです。", noProfile: "このアカウントにはまだプロフィールがありません。",
    filterEmployer: "企業", all: "すべて", signedIn: "ログイン中:",
    since: "提供開始", endsAt: "提供終了", keeps: "終了後も保持", ended: "終了済み", whileApplying: "応募が継続している間",
    at: "日時", recipient: "受領者", purposes: "利用目的", released: "提供された区分", legalBasis: "法的根拠", policyVersion: "ポリシー版",
    PLAIN: "そのまま", MASK: "マスク済み", STATISTICS: "統計として",
    NAME: "氏名", BIRTH_DATE: "生年月日", SEX: "性別", ADDRESS_REGION: "住所（都道府県・市区町村）", ADDRESS_STREET: "住所（番地以下）",
    PHONE: "電話番号", EMAIL: "メールアドレス", OCCUPATION: "職業", WORKPLACE: "勤務先", VISA: "在留資格",
    EDUCATION: "学歴", WORK_HISTORY: "職歴", QUALIFICATIONS: "資格・免許", SELF_PR: "自己PR", FAMILY: "家族",
    EMERGENCY_CONTACT: "緊急連絡先", HOUSING: "住居", PREFERENCES: "希望条件", APPLICATION_ANSWERS: "企業の質問への回答", NETWORK: "ネットワーク情報（IPアドレス）",
    EMPLOYER_PROVISION: "企業への提供", SERVICE: "サービスの提供", MAIL_MAGAZINE: "メールマガジン", FEEDBACK: "アンケート",
    ADVERTISING: "広告", INQUIRY: "お問い合わせ対応", ANALYTICS: "分析",
    APPLICANT: "応募者", EMPLOYER: "企業", SUPPORT: "サポート", MARKETING: "マーケティング", ANALYST: "アナリスト", COMPLIANCE: "コンプライアンス", ADMIN: "管理者", ANONYMOUS: "誰でも",
  },
});

// subfields: the selections of the Applicant fields that are lists of objects.
const subfields = {
  workHistory: "{ company from to field employmentType responsibilities }",
  qualifications: "{ name acquiredOn }",
  emergencyContacts: "{ name relation phone }",
};

const categories = CG.config.categories;
const dataQuery = "{ me { id " +
  categories.flatMap((c) => c.fields).map((f) => f + (subfields[f] ? " " + subfields[f] : "")).join(" ") + " } }";
const historyQuery = `{ me { accessHistory { at viewerOrg role purposes releases { category outcome } legalBasis policyVersion }
  provisions { employer { name } since endsAt ended keeps } } }`;

// value renders one field's value: a list of objects as lines of "key: value".
function value(v) {
  if (v == null) return "—";
  if (Array.isArray(v)) {
    if (!v.length) return "—";
    return el("ul", {}, v.map((x) => el("li", {}, typeof x === "object" ? Object.entries(x).filter(([, y]) => y != null).map(([k, y]) => k + ": " + y).join(", ") : x)));
  }
  return String(v);
}

// seenLabel is a data map column ("EMPLOYER/EMPLOYER_PROVISION after hire") in the page's language.
function seenLabel(s) {
  const [role, rest] = s.who.split("/");
  const base = role.split(" ")[0];
  const purpose = rest ? " / " + t(rest.split(" ")[0]) + (rest.includes("after hire") ? (CG.lang() === "ja" ? "（採用後）" : " (after hire)") : "") : "";
  return t(base) + purpose + ": " + s.outcome.split(" / ").map((o) => t(o.split(" ")[0]) + (o.includes(" ") ? " (" + o.split(" ").slice(1).join(" ") + ")" : "")).join(", ");
}

async function loadData() {
  const out = document.getElementById("data-out");
  out.replaceChildren(el("p", {}, t("loading")));
  try {
    const { me } = await gql(dataQuery);
    if (!me) return out.replaceChildren(el("p", {}, t("noProfile")));
    out.replaceChildren(...categories.map((c) => el("div", { class: "category", "data-category": c.category },
      el("h3", {}, t(c.category)),
      el("table", {}, el("tbody", {}, c.fields.map((f) => el("tr", {}, el("th", { scope: "row" }, f), el("td", {}, value(me[f])))))),
      el("p", { class: "seen" }, t("seenBy") + " " + (c.seenBy && c.seenBy.length ? c.seenBy.map(seenLabel).join("; ") : t("onlyYou"))))));
  } catch (err) {
    CG.showError(out, err);
  }
}

let records = []; // the access history, as loaded

function renderHistory() {
  const out = document.getElementById("history-out");
  const filter = document.getElementById("history-filter").value;
  const rows = records.filter((r) => !filter || r.viewerOrg === filter);
  if (!rows.length) return out.replaceChildren(el("p", {}, t("none")));
  out.replaceChildren(el("table", { id: "history-table" },
    el("thead", {}, el("tr", {}, ["at", "recipient", "purposes", "released", "legalBasis", "policyVersion"].map((k) => el("th", { scope: "col" }, t(k))))),
    el("tbody", {}, rows.map((r) => el("tr", {},
      el("td", {}, when(r.at)),
      el("td", {}, t(r.role) + (r.viewerOrg ? " · " + r.viewerOrg : "")),
      el("td", {}, r.purposes.map(t).join(", ") || "—"),
      el("td", {}, r.releases.map((x) => t(x.category) + " (" + t(x.outcome) + ")").join(", ")),
      el("td", {}, r.legalBasis || "—"),
      el("td", {}, r.policyVersion || "—"))))));
}

// renderProvisions: per employer applied to, since when it is provided
// the applicant's data and when that ends (policy §5(1)), and what it keeps.
function renderProvisions(list) {
  document.getElementById("provisions-out").replaceChildren(list.length ? el("table", { id: "provisions-table" },
    el("thead", {}, el("tr", {}, ["recipient", "since", "endsAt", "keeps"].map((k) => el("th", { scope: "col" }, t(k))))),
    el("tbody", {}, list.map((p) => el("tr", {},
      el("td", {}, p.employer.name),
      el("td", {}, when(p.since)),
      el("td", {}, p.endsAt ? when(p.endsAt) + (p.ended ? " · " + t("ended") : "") : t("whileApplying")),
      el("td", {}, p.keeps.map(t).join(", ") || "—"))))) : "");
}

async function loadHistory() {
  const out = document.getElementById("history-out");
  out.replaceChildren(el("p", {}, t("loading")));
  try {
    const { me } = await gql(historyQuery);
    records = me ? me.accessHistory : [];
    renderProvisions(me ? me.provisions : []);
    const select = document.getElementById("history-filter");
    const chosen = select.value;
    const orgs = [...new Set(records.map((r) => r.viewerOrg).filter(Boolean))].sort();
    select.replaceChildren(el("option", { value: "" }, t("all")), orgs.map((o) => el("option", { value: o }, o)));
    select.value = orgs.includes(chosen) ? chosen : "";
    renderHistory();
  } catch (err) {
    CG.showError(out, err);
  }
}

document.getElementById("history-filter").addEventListener("change", renderHistory);

// My consents: a switch per purpose, per employer (EMPLOYER_PROVISION),
// and per category withheld from all employers or one. Each change is one
// changeConsent; its receipt is the ledger entry it recorded.
CG.add({
  en: {
    myConsents: "My consents", consentsHelp: "Each switch records a change in your consent ledger; it takes effect for the very next request.",
    purpose: "Purpose", allowed: "Allowed", byDefault: "Default", OPT_IN: "only if you agree", OPT_OUT: "unless you object", NECESSARY: "necessary for the service",
    employers: "Employers you applied to", provide: "Provide my data", withholding: "Withhold a category from employers", allEmployers: "All employers",
    category: "Category", withheld: "withheld", withdrawn: "withdrawn", receipt: "Recorded", underPolicy: "under policy version", noEmployers: "You have not applied to any employer.",
    EXPLICIT: "explicit", DEEMED: "deemed (policy change)",
  },
  ja: {
    myConsents: "私の同意", consentsHelp: "スイッチを切り替えるたびに同意の記録に追記され、次のリクエストから直ちに反映されます。",
    purpose: "利用目的", allowed: "許可", byDefault: "初期設定", OPT_IN: "同意した場合のみ", OPT_OUT: "拒否しない限り", NECESSARY: "サービスに必要",
    employers: "応募した企業", provide: "データを提供する", withholding: "企業に提供しない区分", allEmployers: "すべての企業",
    category: "区分", withheld: "提供しない", withdrawn: "撤回", receipt: "記録しました", underPolicy: "ポリシー版", noEmployers: "まだどの企業にも応募していません。",
    EXPLICIT: "明示", DEEMED: "みなし（ポリシー変更）",
  },
});

const consentsQuery = `{ me { provisions { employer { id name } ended }
  currentConsents { purpose granted withheldCategory employer { id } recordedAt standing { basis } } } }`;

// decide is what the ledger says of one switch: the latest of the entries
// that match (towards an employer, its own line and the line for all
// employers), or fallback when there is none.
function decide(entries, purpose, employerID, category, fallback) {
  const matching = entries.filter((e) => e.purpose === purpose && (e.withheldCategory || null) === category &&
    (e.employer == null || (employerID != null && e.employer.id === employerID)));
  if (!matching.length) return fallback;
  matching.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  return matching[matching.length - 1].granted;
}

// changeConsent records input, shows the switches as they now stand, and
// then the receipt: once the receipt shows, the page is the new state.
async function changeConsent(input) {
  const receipt = document.getElementById("consent-receipt");
  let className, text;
  try {
    const { changeConsent: c } = await gql(`mutation($in: ConsentChangeInput!) { changeConsent(input: $in) { purpose granted withheldCategory employer { name } recordedAt policyVersion { version } } }`, { in: input });
    className = "ok";
    text = t("receipt") + ": " + t(c.purpose) + (c.employer ? " · " + c.employer.name : "") + (c.withheldCategory ? " · " + t(c.withheldCategory) : "") +
      " → " + t(c.granted ? "allowed" : c.withheldCategory ? "withheld" : "withdrawn") + " · " + when(c.recordedAt) + " · " + t("underPolicy") + " " + c.policyVersion.version;
  } catch (err) {
    className = "error";
    text = err instanceof CG.ApiError ? err.text() : t("INTERNAL");
  }
  receipt.textContent = "";
  await loadConsents();
  receipt.className = className;
  receipt.textContent = text;
}

// toggle is a labelled checkbox that records input when changed: granted
// when checked, or (a withholding switch) when unchecked.
function toggle(label, checked, input, opts) {
  const { withhold, disabled } = opts || {};
  return el("label", { class: "switch" },
    el("input", { type: "checkbox", checked, disabled, "data-consent": JSON.stringify(input),
      onchange: (ev) => changeConsent(Object.assign({}, input, { granted: withhold ? !ev.target.checked : ev.target.checked })) }),
    label);
}

async function loadConsents() {
  const out = document.getElementById("consents-out");
  try {
    const { me } = await gql(consentsQuery);
    if (!me) return out.replaceChildren(el("p", {}, t("noProfile")));
    const entries = me.currentConsents;
    const employers = [];
    for (const p of me.provisions) if (!employers.some((e) => e.id === p.employer.id)) employers.push(p.employer);
    const purposes = CG.config.purposes.map((p) => el("tr", {},
      el("th", { scope: "row" }, t(p.purpose)),
      el("td", {}, t(p.consent)),
      el("td", {}, p.consent === "NECESSARY" ? toggle(t("allowed"), true, { purpose: p.purpose }, { disabled: true })
        : toggle(t("allowed"), decide(entries, p.purpose, null, null, p.consent === "OPT_OUT"), { purpose: p.purpose }))));
    const providable = CG.config.categories.filter((c) => (c.seenBy || []).some((s) => s.who.startsWith("EMPLOYER/")));
    const columns = [{ id: null, name: t("allEmployers") }, ...employers];
    out.replaceChildren(
      el("table", { id: "purposes-table" }, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("purpose")), el("th", { scope: "col" }, t("byDefault")), el("th", { scope: "col" }, t("allowed")))), el("tbody", {}, purposes)),
      el("h3", {}, t("employers")),
      employers.length ? el("table", { id: "employers-table" }, el("tbody", {}, employers.map((e) => el("tr", { "data-employer": e.name },
        el("th", { scope: "row" }, e.name),
        el("td", {}, toggle(t("provide") + " (" + e.name + ")", decide(entries, "EMPLOYER_PROVISION", e.id, null, true), { purpose: "EMPLOYER_PROVISION", employerID: e.id }))))))
        : el("p", {}, t("noEmployers")),
      el("h3", {}, t("withholding")),
      el("table", { id: "withhold-table" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("category")), columns.map((c) => el("th", { scope: "col" }, c.name)))),
        el("tbody", {}, providable.map((c) => el("tr", { "data-category": c.category },
          el("th", { scope: "row" }, t(c.category)),
          columns.map((e) => el("td", {}, toggle(t("withheld") + " (" + t(c.category) + ", " + e.name + ")",
            !decide(entries, "EMPLOYER_PROVISION", e.id, c.category, true),
            { purpose: "EMPLOYER_PROVISION", category: c.category, employerID: e.id || undefined }, { withhold: true }))))))));
  } catch (err) {
    CG.showError(out, err);
  }
}


// My requests (policy §6(2)): file one of the seven kinds, see each one's
// state, download a completed disclosure as a JSON file (made in the page:
// the result never goes into a URL).
CG.add({
  en: {
    actions: "Actions", myRequests: "My requests", kind: "Kind", field: "Field", newValue: "New value", file: "File the request", download: "Download (JSON)",
    filed: "Filed", status: "Status", due: "Due", completed: "Completed", overdue: "overdue",
    NOTICE: "Notice of purposes and recipients", DISCLOSURE: "Disclosure of everything held", CORRECTION: "Correction", ADDITION: "Addition",
    DELETION: "Deletion of all my data", CEASE_OF_USE: "Stop using my data", CEASE_OF_PROVISION: "Stop providing my data to employers",
    RECEIVED: "received", IN_PROGRESS: "in progress", COMPLETED: "completed", REJECTED: "rejected",
    fileWhat: "This files a request of this kind:", fileWhatChanges: "It proposes:",
    DELETION_does: "When completed, your personal data is erased everywhere and your account's profile is gone; this cannot be undone.",
    notices: "Policy changes", version: "Version", summary: "Summary", changedPurposes: "Purposes changed", inForce: "In force", acknowledge: "Acknowledge", object: "Object",
    acknowledged: "Acknowledged", notYet: "not yet", yes: "yes", no: "no",
    objectWhat: "This withdraws your consent to the purposes this version changed:", ackWhat: "This acknowledges policy version",
  },
  ja: {
    actions: "操作", myRequests: "私の請求", kind: "種類", field: "項目", newValue: "新しい値", file: "請求する", download: "ダウンロード（JSON）",
    filed: "請求日時", status: "状態", due: "期限", completed: "完了", overdue: "期限超過",
    NOTICE: "利用目的・提供先の通知", DISCLOSURE: "保有データの開示", CORRECTION: "訂正", ADDITION: "追加",
    DELETION: "すべてのデータの削除", CEASE_OF_USE: "利用停止", CEASE_OF_PROVISION: "企業への提供停止",
    RECEIVED: "受付済み", IN_PROGRESS: "対応中", COMPLETED: "完了", REJECTED: "却下",
    fileWhat: "次の種類の請求を行います:", fileWhatChanges: "提案内容:",
    DELETION_does: "完了すると、あなたの個人データはすべて消去され、プロフィールもなくなります。元に戻せません。",
    notices: "ポリシーの変更", version: "版", summary: "概要", changedPurposes: "変更された利用目的", inForce: "施行中", acknowledge: "確認しました", object: "異議",
    acknowledged: "確認日時", notYet: "未確認", yes: "はい", no: "いいえ",
    objectWhat: "この版で変更された利用目的への同意を撤回します:", ackWhat: "次のポリシー版を確認済みにします:",
  },
});

const requestKinds = ["NOTICE", "DISCLOSURE", "CORRECTION", "ADDITION", "CEASE_OF_USE", "CEASE_OF_PROVISION", "DELETION"];
// correctable: the text fields a correction or an addition may propose here.
const correctable = ["name", "nameKana", "prefecture", "city", "street", "building", "postalCode", "phone", "email", "occupation",
  "workplaceName", "workplaceDepartment", "visaStatus", "academicBackground", "schoolName", "desiredField", "desiredWorkplace"];

function fillRequestForm() {
  const kind = document.getElementById("request-kind");
  const chosen = kind.value;
  kind.replaceChildren(...requestKinds.map((k) => el("option", { value: k }, t(k))));
  kind.value = chosen || "NOTICE";
  const field = document.getElementById("request-field");
  const f = field.value;
  field.replaceChildren(...correctable.map((k) => el("option", { value: k }, k)));
  field.value = f || "city";
  const changes = ["CORRECTION", "ADDITION"].includes(kind.value);
  document.getElementById("request-field-label").hidden = !changes;
  document.getElementById("request-value-label").hidden = !changes;
}

function download(name, value) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: "application/json" }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function loadRequests() {
  const out = document.getElementById("requests-out");
  try {
    const { me } = await gql(`{ me { privacyRequests { id kind status createdAt dueAt completedAt overdue rejectionReason result } } }`);
    const list = (me && me.privacyRequests) || [];
    if (!list.length) return out.replaceChildren(el("p", {}, t("none")));
    out.replaceChildren(el("table", { id: "requests-table" },
      el("thead", {}, el("tr", {}, ["kind", "filed", "status", "due", "completed", "actions"].map((k) => el("th", { scope: "col" }, k ? t(k) : "")))),
      el("tbody", {}, list.map((r) => el("tr", { "data-request": r.id, "data-kind": r.kind },
        el("td", {}, t(r.kind)),
        el("td", {}, when(r.createdAt)),
        el("td", {}, t(r.status) + (r.rejectionReason ? " (" + r.rejectionReason + ")" : "")),
        el("td", { class: r.overdue ? "overdue" : "" }, when(r.dueAt) + (r.overdue ? " · " + t("overdue") : "")),
        el("td", {}, when(r.completedAt)),
        el("td", {}, r.result ? el("button", { type: "button", class: "secondary download", onclick: () => download("consentgate-" + r.kind.toLowerCase() + "-" + r.id + ".json", r.result) }, t("download")) : ""))))));
  } catch (err) {
    CG.showError(out, err);
  }
}

document.getElementById("request-kind").addEventListener("change", fillRequestForm);
document.getElementById("request-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const kind = document.getElementById("request-kind").value;
  const vars = { kind };
  let what = t("fileWhat") + " " + t(kind) + ".";
  if (["CORRECTION", "ADDITION"].includes(kind)) {
    const field = document.getElementById("request-field").value;
    vars.changes = { [field]: document.getElementById("request-value").value };
    what += " " + t("fileWhatChanges") + " " + field + " → " + vars.changes[field];
  }
  if (kind === "DELETION") what += " " + t("DELETION_does");
  const target = document.getElementById("request-confirm");
  CG.confirm(target, what, async () => {
    try {
      await gql(`mutation($kind: PrivacyRequestKind!, $changes: UpdateApplicantInput) { filePrivacyRequest(kind: $kind, changes: $changes) { id } }`, vars);
      document.getElementById("request-value").value = "";
    } catch (err) {
      CG.showError(target, err);
    }
    await loadRequests();
  });
});

// Policy changes (§8): acknowledge a version, or object to it
// (objectToPolicyVersion withdraws the purposes it changed from its
// effective time).
async function loadNotices() {
  const out = document.getElementById("notices-out");
  try {
    const { me } = await gql(`{ me { notices { policyVersion { version summary effectiveAt changedPurposes } inForce acknowledgedAt } } }`);
    const list = (me && me.notices) || [];
    if (!list.length) return out.replaceChildren(el("p", {}, t("none")));
    const confirmIn = document.getElementById("notice-confirm");
    out.replaceChildren(el("table", { id: "notices-table" },
      el("thead", {}, el("tr", {}, ["version", "summary", "changedPurposes", "inForce", "acknowledged", "actions"].map((k) => el("th", { scope: "col" }, k ? t(k) : "")))),
      el("tbody", {}, list.map((n) => el("tr", { "data-version": n.policyVersion.version },
        el("td", {}, n.policyVersion.version),
        el("td", {}, n.policyVersion.summary),
        el("td", {}, n.policyVersion.changedPurposes.map(t).join(", ")),
        el("td", {}, t(n.inForce ? "yes" : "no") + " · " + when(n.policyVersion.effectiveAt)),
        el("td", {}, n.acknowledgedAt ? when(n.acknowledgedAt) : t("notYet")),
        el("td", {},
          n.acknowledgedAt ? "" : el("button", { type: "button", class: "acknowledge", onclick: () => CG.confirm(confirmIn, t("ackWhat") + " " + n.policyVersion.version + ".", async () => {
            try { await gql(`mutation($v: String!) { acknowledgePolicyVersion(version: $v) { acknowledgedAt } }`, { v: n.policyVersion.version }); } catch (err) { CG.showError(confirmIn, err); }
            await loadNotices();
          }) }, t("acknowledge")), " ",
          el("button", { type: "button", class: "secondary object", onclick: () => CG.confirm(confirmIn, t("objectWhat") + " " + n.policyVersion.changedPurposes.map(t).join(", ") + ".", async () => {
            try { await gql(`mutation($v: String!) { objectToPolicyVersion(version: $v) { objectedAt } }`, { v: n.policyVersion.version }); } catch (err) { CG.showError(confirmIn, err); }
            await Promise.all([loadNotices(), loadConsents()]);
          }) }, t("object"))))))));
  } catch (err) {
    CG.showError(out, err);
  }
}

CG.start(() => {
  fillRequestForm();
  return Promise.all([loadData(), loadHistory(), loadConsents(), loadRequests(), loadNotices()]);
});
fillRequestForm();
document.getElementById("lang").addEventListener("change", fillRequestForm);
