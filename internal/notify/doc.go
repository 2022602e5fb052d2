// Package notify sends ops alerts straight to webhooks (-notify-webhook):
// when a redundant ingest configuration loses protection (degraded: one
// encoder left; down: none) and when it recovers or its session ends.
//
// AlertFor turns a history.KindPair transition into an Alert, with a title
// and text written for someone woken at 3 am. Notifier.Enqueue records the
// alert (a history.KindAlert transition) and queues one delivery per target
// in the same SQLite transaction: a durable outbox, so a restart neither
// loses a message nor sends it again. Notifier.Run delivers, oldest first,
// keeping the order of messages per configuration and target, retrying with
// exponential backoff, and records each outcome as a
// history.KindNotification transition.
//
// Delivery is at least once: a crash between a receiver's 2xx and the
// outbox's update sends that message again after the restart, with the
// same X-Greenroom-Delivery and Idempotency-Key header, so receivers can
// drop the duplicate.
//
// The payload is generic JSON that Slack's incoming webhooks also accept:
// {"text": "...", "greenroom": {...}}.
//
// Webhook URLs often embed secrets (a Slack webhook's path is one): a
// target's path and query are never logged, stored or put in an error;
// targets are known by their position, host and a hash of the URL. Free
// text is passed through ivs.RedactStreamKeys before it is stored or sent.
package notify
