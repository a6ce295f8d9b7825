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
const historyQuery = `{ me { accessHistory { at viewerOrg role purposes releases { category outcome } legalBasis policyVersion } } }`;

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

async function loadHistory() {
  const out = document.getElementById("history-out");
  out.replaceChildren(el("p", {}, t("loading")));
  try {
    const { me } = await gql(historyQuery);
    records = me ? me.accessHistory : [];
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
CG.start(() => Promise.all([loadData(), loadHistory()]));
