// What the app keeps on the phone, in IndexedDB: settings, the session, the
// items read (unread markers), saved documents, drafts and the outbox of
// actions taken offline.
import { openDB } from "idb";

const database = openDB("stdv-reader", 1, {
  upgrade(db) {
    db.createObjectStore("kv");
    db.createObjectStore("outbox", { keyPath: "key" });
    db.createObjectStore("read");
    db.createObjectStore("saved", { keyPath: "id" });
  },
});

export async function get(name, fallback = null) {
  const value = await (await database).get("kv", name);
  return value === undefined ? fallback : value;
}

// Settled when the write is committed, not merely accepted: the app may be
// reloaded right after (a refused sign-in is remembered across the reload).
async function write(change) {
  const tx = (await database).transaction("kv", "readwrite");
  change(tx.store);
  await tx.done;
}

export async function put(name, value) {
  return write((kv) => kv.put(value, name));
}

export async function remove(name) {
  return write((kv) => kv.delete(name));
}

export async function markRead(id) {
  return (await database).put("read", Date.now(), id);
}

export async function readIds() {
  return new Set(await (await database).getAllKeys("read"));
}

export async function save(item) {
  return (await database).put("saved", item);
}

export async function savedItems() {
  return (await database).getAll("saved");
}

export async function isSaved(id) {
  return Boolean(await (await database).get("saved", id));
}

export async function enqueue(action) {
  return (await database).put("outbox", action);
}

export async function queued() {
  return (await database).getAll("outbox");
}

export async function dequeue(key) {
  return (await database).delete("outbox", key);
}

export async function forgetMember() {
  const db = await database;
  await Promise.all(["read", "saved", "outbox"].map((store) => db.clear(store)));
  await Promise.all(["session", "cursor", "feeds", "branchMeetings", "branchMeetingDetails", "branchTasks"].map((name) => db.delete("kv", name)));
}
