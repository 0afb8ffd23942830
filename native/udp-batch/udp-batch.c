// Batched UDP send for the overlay's datapath (src/env/udp-batch.ts): node:dgram makes one
// sendmsg per datagram, and on a veth or NIC path each of those walks the whole IP stack
// (12-14 us per 1,452-byte packet measured in network namespaces). This sends one event-loop
// turn's packets to one destination with one sendmmsg, and packs runs of equal-sized packets
// into one message with UDP_SEGMENT (UDP GSO, Linux 4.18+), so the stack is walked once per
// run and the kernel (or the NIC) cuts it into the same datagrams that would have gone alone.
// Receiving is the mirror image: node:dgram makes a Buffer, an address object and a callback
// into JavaScript per datagram (about 8 us of CPU per 1,452-byte datagram on an AMD EPYC VM);
// recv_start reads up to RECV_BATCH datagrams with one recvmmsg and calls JavaScript once with
// all of them. It polls a dup() of the socket's fd, after the caller stopped node:dgram's own
// reading, so libuv's watcher for the original fd (still used for queued sends) is untouched.
// With UDP_GRO the kernel hands over a burst of one sender's equal datagrams as one buffer,
// which is cut back into the datagrams here.
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

// Older kernels take at most 64 segments per GSO message; a run's payload must also fit one
// IP datagram (65,535 less the IPv6 and UDP headers).
#define MAX_SEGMENTS 64
#define MAX_RUN_BYTES 65000
#define MAX_MSGS 64
#define MAX_IOV 1024

// Per thread: worker threads each call send on their own isolate.
static __thread int last_errno = 0;

static napi_value num(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

// address(socketFamily: 4 | 6, ip: string, port: number): Buffer | null
// A sockaddr for sendmsg; an IPv4 destination on an IPv6 socket becomes ::ffff:a.b.c.d.
static napi_value address(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_value nul;
  napi_get_null(env, &nul);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return nul;
  int32_t fam = 0, port = 0;
  char ip[64];
  size_t iplen = 0;
  if (napi_get_value_int32(env, argv[0], &fam) != napi_ok) return nul;
  if (napi_get_value_string_utf8(env, argv[1], ip, sizeof ip, &iplen) != napi_ok) return nul;
  if (napi_get_value_int32(env, argv[2], &port) != napi_ok || port < 0 || port > 65535) return nul;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  size_t len = 0;
  if (fam == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    if (inet_pton(AF_INET, ip, &a->sin_addr) != 1) return nul;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET6, ip, &a->sin6_addr) != 1) {
      struct in_addr v4;
      if (inet_pton(AF_INET, ip, &v4) != 1) return nul;
      a->sin6_addr.s6_addr[10] = 0xff;
      a->sin6_addr.s6_addr[11] = 0xff;
      memcpy(&a->sin6_addr.s6_addr[12], &v4, 4);
    }
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    len = sizeof *a;
  }
  napi_value buf;
  void *data;
  if (napi_create_buffer_copy(env, len, &ss, &data, &buf) != napi_ok) return nul;
  return buf;
}

// send(fd: number, addr: Buffer, packets: Uint8Array[], gso: boolean): number
// Sends packets[0..] in order; returns how many went out. Fewer than packets.length means the
// next one failed, and errno() says why (EAGAIN: the socket buffer is full; EIO, EINVAL or
// EMSGSIZE with gso: this path cannot segment, send again without it).
static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  last_errno = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) { last_errno = EINVAL; return num(env, 0); }
  int32_t fd;
  bool gso;
  void *addr;
  size_t addrlen;
  uint32_t n;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_buffer_info(env, argv[1], &addr, &addrlen) != napi_ok ||
      napi_get_array_length(env, argv[2], &n) != napi_ok || napi_get_value_bool(env, argv[3], &gso) != napi_ok) {
    last_errno = EINVAL;
    return num(env, 0);
  }
  struct iovec iov[MAX_IOV];
  struct mmsghdr msgs[MAX_MSGS];
  uint32_t first[MAX_MSGS + 1]; // index of each message's first packet
  union { char buf[CMSG_SPACE(sizeof(uint16_t))]; struct cmsghdr align; } ctl[MAX_MSGS];
  uint32_t done = 0;
  while (done < n) {
    // Fill up to MAX_MSGS messages, each a run of equal-sized packets (the last may be shorter).
    uint32_t m = 0, v = 0, i = done;
    while (i < n && m < MAX_MSGS && v < MAX_IOV) {
      uint32_t start_v = v;
      size_t seg = 0, total = 0;
      first[m] = i;
      while (i < n && v < MAX_IOV) {
        napi_value el;
        napi_typedarray_type t;
        size_t len;
        void *data;
        napi_value ab;
        size_t off;
        if (napi_get_element(env, argv[2], i, &el) != napi_ok ||
            napi_get_typedarray_info(env, el, &t, &len, &data, &ab, &off) != napi_ok || t != napi_uint8_array) {
          last_errno = EINVAL;
          goto out;
        }
        if (v > start_v) {
          // Joins the run only at the run's size, or shorter as its last; within both limits.
          if (!gso || seg == 0 || len > seg || total + len > MAX_RUN_BYTES || v - start_v >= MAX_SEGMENTS) break;
        } else {
          seg = len;
        }
        iov[v].iov_base = data;
        iov[v].iov_len = len;
        v++;
        i++;
        total += len;
        if (len < seg) break;
      }
      struct msghdr *h = &msgs[m].msg_hdr;
      memset(h, 0, sizeof *h);
      h->msg_name = addr;
      h->msg_namelen = (socklen_t)addrlen;
      h->msg_iov = &iov[start_v];
      h->msg_iovlen = v - start_v;
      if (v - start_v > 1) {
        h->msg_control = ctl[m].buf;
        h->msg_controllen = sizeof ctl[m].buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(h);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t s = (uint16_t)seg;
        memcpy(CMSG_DATA(c), &s, sizeof s);
      }
      m++;
    }
    first[m] = i;
    uint32_t sent_msgs = 0;
    while (sent_msgs < m) {
      int r;
      do r = sendmmsg(fd, msgs + sent_msgs, m - sent_msgs, MSG_DONTWAIT); while (r < 0 && errno == EINTR);
      if (r <= 0) {
        last_errno = r < 0 ? errno : EIO;
        done = first[sent_msgs];
        goto out;
      }
      sent_msgs += (uint32_t)r;
    }
    done = i;
  }
out:
  return num(env, done);
}

// ---- receive ----

#define RECV_BATCH 32
// Every UDP payload fits (65,507 bytes over IPv4); one slot per message of the batch.
#define SLOT_BYTES 65536
// Batches per wakeup before yielding to the rest of the event loop, as libuv does (32 reads).
#define RECV_ROUNDS 2

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref cb;
  napi_ref recv;
  napi_async_context ctx;
  int fd;
  int stopped;
  uint8_t *slab;
  struct mmsghdr msgs[RECV_BATCH];
  struct iovec iov[RECV_BATCH];
  struct sockaddr_storage from[RECV_BATCH];
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl[RECV_BATCH];
} receiver_t;

static napi_value from_string(napi_env env, const struct sockaddr_storage *ss) {
  char text[INET6_ADDRSTRLEN + 16], ip[INET6_ADDRSTRLEN];
  int port = 0;
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
    port = ntohs(a->sin_port);
    snprintf(text, sizeof text, "%s:%d", ip, port);
  } else {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    // An IPv4 peer on an IPv6 socket arrives as ::ffff:a.b.c.d; node:dgram shows it the same way.
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    port = ntohs(a->sin6_port);
    snprintf(text, sizeof text, "[%s]:%d", ip, port);
  }
  napi_value v;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &v);
  return v;
}

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return 0;
  if (a->ss_family == AF_INET) return memcmp(a, b, sizeof(struct sockaddr_in)) == 0;
  const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a, *y = (const struct sockaddr_in6 *)b;
  return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

static void on_readable(uv_poll_t *h, int status, int events) {
  (void)events;
  receiver_t *r = (receiver_t *)h->data;
  if (status < 0 || r->stopped) return;
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  for (int round = 0; round < RECV_ROUNDS && !r->stopped; round++) {
    for (int i = 0; i < RECV_BATCH; i++) {
      r->iov[i].iov_base = r->slab + (size_t)i * SLOT_BYTES;
      r->iov[i].iov_len = SLOT_BYTES;
      memset(&r->msgs[i].msg_hdr, 0, sizeof r->msgs[i].msg_hdr);
      r->msgs[i].msg_hdr.msg_iov = &r->iov[i];
      r->msgs[i].msg_hdr.msg_iovlen = 1;
      r->msgs[i].msg_hdr.msg_name = &r->from[i];
      r->msgs[i].msg_hdr.msg_namelen = sizeof r->from[i];
      r->msgs[i].msg_hdr.msg_control = r->ctl[i].buf;
      r->msgs[i].msg_hdr.msg_controllen = sizeof r->ctl[i].buf;
    }
    int k;
    do k = recvmmsg(r->fd, r->msgs, RECV_BATCH, MSG_DONTWAIT, NULL); while (k < 0 && errno == EINTR);
    if (k <= 0) break;
    napi_value bufs, froms, recv, cb, args[2], result;
    napi_create_array(env, &bufs);
    napi_create_array(env, &froms);
    napi_value from = NULL;
    int from_i = -1; // the datagram whose sender `from` names
    uint32_t at = 0;
    for (int i = 0; i < k; i++) {
      // A slot holds any UDP payload (at most 65,527 bytes), so this cannot happen; if a kernel
      // ever merged past it, the cut datagram is dropped rather than passed on short.
      if (r->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) continue;
      // With UDP_GRO the kernel may hand over several datagrams of one sender as one buffer,
      // all `seg` bytes long but the last: cut it back into those datagrams.
      size_t len = r->msgs[i].msg_len, seg = len;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&r->msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&r->msgs[i].msg_hdr, c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
          int g;
          memcpy(&g, CMSG_DATA(c), sizeof g);
          if (g > 0) seg = (size_t)g;
        }
      }
      // Consecutive datagrams from one peer (a burst) share one string.
      if (from_i < 0 || !same_addr(&r->from[i], &r->from[from_i])) { from = from_string(env, &r->from[i]); from_i = i; }
      for (size_t off = 0; off < len || (len == 0 && off == 0); off += seg) {
        size_t n = len - off < seg ? len - off : seg;
        napi_value buf;
        void *data;
        if (napi_create_buffer_copy(env, n, (uint8_t *)r->iov[i].iov_base + off, &data, &buf) != napi_ok) break;
        napi_set_element(env, bufs, at, buf);
        napi_set_element(env, froms, at, from);
        at++;
        if (len == 0) break;
      }
    }
    napi_get_reference_value(env, r->recv, &recv);
    napi_get_reference_value(env, r->cb, &cb);
    args[0] = bufs;
    args[1] = froms;
    // make_callback runs the microtasks after, as node:dgram's per-datagram callback does.
    if (napi_make_callback(env, r->ctx, recv, cb, 2, args, &result) != napi_ok) {
      napi_value exc;
      if (napi_get_and_clear_last_exception(env, &exc) == napi_ok) napi_fatal_exception(env, exc);
      break;
    }
    if (k < RECV_BATCH) break;
  }
  napi_close_handle_scope(env, scope);
}

static void on_closed(uv_handle_t *h) {
  receiver_t *r = (receiver_t *)h->data;
  free(r->slab);
  free(r);
}

// recvStart(fd: number, cb: (packets: Buffer[], from: string[]) => void): External
static napi_value recv_start(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], nul, ext, name;
  napi_get_null(env, &nul);
  int32_t fd;
  uv_loop_t *loop;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_uv_event_loop(env, &loop) != napi_ok) return nul;
  receiver_t *r = calloc(1, sizeof *r);
  if (!r) return nul;
  r->slab = malloc((size_t)RECV_BATCH * SLOT_BYTES);
  r->fd = dup(fd);
  if (!r->slab || r->fd < 0) { if (r->fd >= 0) close(r->fd); free(r->slab); free(r); return nul; }
  r->env = env;
  napi_value recv;
  napi_create_object(env, &recv);
  napi_create_reference(env, recv, 1, &r->recv);
  napi_create_reference(env, argv[1], 1, &r->cb);
  napi_create_string_utf8(env, "skywire:udp-recv", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, recv, name, &r->ctx);
  if (uv_poll_init(loop, &r->poll, r->fd) != 0) { close(r->fd); free(r->slab); free(r); return nul; }
  r->poll.data = r;
  // Receive offload: a burst of equal datagrams from one sender (a GSO send across a veth, or a
  // NIC's GRO) arrives as one buffer to cut up above. Older kernels refuse; nothing changes then.
  int one = 1;
  (void)setsockopt(r->fd, SOL_UDP, UDP_GRO, &one, sizeof one);
  uv_poll_start(&r->poll, UV_READABLE, on_readable);
  napi_create_external(env, r, NULL, NULL, &ext);
  return ext;
}

// recvStop(handle): no callback after this returns, and the dup'd fd is closed.
static napi_value recv_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undef;
  napi_get_undefined(env, &undef);
  void *p;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_external(env, argv[0], &p) != napi_ok) return undef;
  receiver_t *r = (receiver_t *)p;
  if (r->stopped) return undef;
  r->stopped = 1;
  // Stopped polls may have their fd closed at once: the socket must be free for a bind on the
  // same port as soon as the carrier's close resolves (a node restarted in place).
  uv_poll_stop(&r->poll);
  close(r->fd);
  napi_delete_reference(env, r->cb);
  napi_delete_reference(env, r->recv);
  napi_async_destroy(env, r->ctx);
  uv_close((uv_handle_t *)&r->poll, on_closed);
  return undef;
}

static napi_value get_errno(napi_env env, napi_callback_info info) {
  (void)info;
  return num(env, last_errno);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "address", NULL, address, NULL, NULL, NULL, napi_default, NULL },
    { "send", NULL, send_batch, NULL, NULL, NULL, napi_default, NULL },
    { "errno", NULL, get_errno, NULL, NULL, NULL, napi_default, NULL },
    { "recvStart", NULL, recv_start, NULL, NULL, NULL, napi_default, NULL },
    { "recvStop", NULL, recv_stop, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
