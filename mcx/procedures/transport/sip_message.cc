#include "mcx/procedures/transport/sip_message.h"

#include <osipparser2/osip_parser.h>

#include <cstdio>
#include <cstring>
#include <mutex>

#include "mcx/codec/text_fields.h"

namespace mcx::procedures {

namespace {

void Free(osip_message* m) { osip_message_free(m); }

void InitParser() {
  static std::once_flag once;
  std::call_once(once, [] { parser_init(); });
}

char* Dup(const std::string& s) { return osip_strdup(s.c_str()); }

std::string Take(char* s) {
  std::string out = s ? s : "";
  osip_free(s);
  return out;
}

template <class T, class F>
std::string HeaderString(T* h, F to_str) {
  if (!h) return "";
  char* s = nullptr;
  if (to_str(h, &s) != 0) return "";
  return Take(s);
}

std::string UriString(osip_uri_t* u) {
  if (!u) return "";
  char* s = nullptr;
  if (osip_uri_to_str(u, &s) != 0) return "";
  return Take(s);
}

std::string Param(osip_list_t* params, const char* name) {
  for (int i = 0; i < osip_list_size(params); ++i) {
    auto* p = static_cast<osip_generic_param_t*>(osip_list_get(params, i));
    if (p && p->gname && std::strcmp(p->gname, name) == 0) return p->gvalue ? p->gvalue : "";
  }
  return "";
}

/// True if some header block of the message (its own, or a MIME part's) has two Content-Type
/// headers. libosip2 5.3 parses a multipart body part by part (osip_body_parse_mime) and stores
/// each part's Content-Type with osip_body_set_contenttype, which overwrites the part's earlier
/// one without freeing it: every such part leaks. We refuse such messages before libosip2 sees
/// them (RFC 3261 20.15 and RFC 2045 5: one Content-Type per header block).
///
/// The scan is deliberately wider than libosip2's parser, so that anything it would parse as a
/// second Content-Type of one part is caught whatever the boundary: lines end at CRLF, CR or LF;
/// a line starting with a space or tab continues the previous one (libosip2 unfolds before
/// parsing); a header block ends at an empty line; a line "counts" if "content-type" (any case)
/// occurs in it with a ':' after it (libosip2 takes any name that starts with "content-type", and
/// a part's first line may follow the boundary on the boundary's own line).
bool HasDuplicateContentType(ByteView bytes) {
  static constexpr char kName[] = "content-type";
  constexpr size_t kNameLen = sizeof kName - 1;
  const uint8_t* p = bytes.data();
  const size_t n = bytes.size();
  auto lower = [](uint8_t c) { return static_cast<uint8_t>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
  auto counts = [&](size_t begin, size_t end) {  // "content-type" then ':' within [begin, end)
    for (size_t i = begin; i + kNameLen <= end; ++i) {
      size_t k = 0;
      while (k < kNameLen && lower(p[i + k]) == static_cast<uint8_t>(kName[k])) ++k;
      if (k < kNameLen) continue;
      for (size_t j = i + kNameLen; j < end; ++j)
        if (p[j] == ':') return true;
      return false;
    }
    return false;
  };
  int in_block = 0;  // Content-Type lines in the current header block
  size_t i = 0;
  while (i < n) {
    // One logical line [start, end): up to a line end not followed by a space or tab.
    const size_t start = i;
    size_t end = i;
    for (;;) {
      while (end < n && p[end] != '\r' && p[end] != '\n') ++end;
      size_t next = end;
      if (next < n && p[next] == '\r') ++next;
      if (next < n && p[next] == '\n' && (next == end || p[next - 1] == '\r')) ++next;
      if (next < n && next > end && (p[next] == ' ' || p[next] == '\t')) {
        end = next;  // folded: the next physical line continues this one
        continue;
      }
      i = next == end ? n : next;
      break;
    }
    if (end == start) {  // an empty line ends a header block
      in_block = 0;
      continue;
    }
    if (counts(start, end) && ++in_block >= 2) return true;
  }
  return false;
}

}  // namespace

SipMessage::SipMessage(osip_message* m) : m_(m, &Free) {}

SipMessage::SipMessage(const SipMessage& o) : m_(nullptr, &Free), parts_(o.parts_) {
  osip_message_t* c = nullptr;
  osip_message_clone(o.m_.get(), &c);
  m_.reset(c);
}

SipMessage& SipMessage::operator=(const SipMessage& o) {
  if (this != &o) {
    SipMessage tmp(o);
    std::swap(m_, tmp.m_);
    parts_ = o.parts_;
  }
  return *this;
}

SipMessage::SipMessage(SipMessage&&) noexcept = default;
SipMessage& SipMessage::operator=(SipMessage&&) noexcept = default;
SipMessage::~SipMessage() = default;

SipMessage SipMessage::Request(const std::string& method, const std::string& request_uri) {
  InitParser();
  osip_message_t* m = nullptr;
  osip_message_init(&m);
  osip_message_set_method(m, Dup(method));
  osip_message_set_version(m, Dup("SIP/2.0"));
  osip_uri_t* uri = nullptr;
  osip_uri_init(&uri);
  osip_uri_parse(uri, request_uri.c_str());
  osip_message_set_uri(m, uri);
  osip_message_set_max_forwards(m, "70");
  return SipMessage(m);
}

SipMessage SipMessage::Response(int status, const std::string& reason, const SipMessage& request,
                                const std::string& to_tag) {
  InitParser();
  osip_message_t* m = nullptr;
  osip_message_init(&m);
  osip_message_set_version(m, Dup("SIP/2.0"));
  osip_message_set_status_code(m, status);
  osip_message_set_reason_phrase(m, Dup(reason));
  SipMessage r(m);
  const osip_message_t* q = request.m_.get();
  for (int i = 0; i < osip_list_size(&q->vias); ++i) {
    osip_via_t* v = nullptr;
    osip_via_clone(static_cast<osip_via_t*>(osip_list_get(&q->vias, i)), &v);
    osip_list_add(&m->vias, v, -1);
  }
  osip_from_clone(q->from, &m->from);
  osip_to_clone(q->to, &m->to);
  osip_call_id_clone(q->call_id, &m->call_id);
  osip_cseq_clone(q->cseq, &m->cseq);
  if (!to_tag.empty() && m->to && request.ToTag().empty()) osip_to_set_tag(m->to, Dup(to_tag));
  return r;
}

namespace {
/// A message is taken only if libosip2 writes it back as bytes that parse again: it accepts some
/// it cannot write (a MIME part's Content-Type parameter without a value) or writes in a form it
/// does not read (a Contact "ip:>v" becomes "<ip:>v>"), and a server relays what it received
/// (tests/fuzz/README.md, finding sip-reserialize). Costs one more write and parse per message.
// The bytes libosip2 writes for `m` (from a clone, as Serialize() does: a parsed message keeps
// its original bytes); empty if it cannot.
std::string ToStr(const osip_message_t* m) {
  osip_message_t* c = nullptr;
  if (osip_message_clone(m, &c) != 0) return {};
  char* s = nullptr;
  size_t len = 0;
  const int written = osip_message_to_str(c, &s, &len);
  osip_message_free(c);
  std::string out = written == 0 && s != nullptr ? std::string(s, len) : std::string();
  osip_free(s);
  return out;
}

// Whether what libosip2 writes for `m` parses again and is written the same way: then a message
// we accepted, forwarded or stored and read again, is accepted again (findings sip-reserialize,
// sip-rewritten-twice: libosip2 writes some headers in a form it reads differently).
bool WritesBack(const osip_message_t* m) {
  const std::string s = ToStr(m);
  // What is written must pass Parse's own first check too (finding sip-written-content-type: a
  // compact "c:" header is written as "Content-Type:", which may make a second one on a line).
  if (s.empty() || HasDuplicateContentType(ByteView(s))) return false;
  osip_message_t* again = nullptr;
  osip_message_init(&again);
  const bool ok = osip_message_parse(again, s.data(), s.size()) == 0 && again->cseq != nullptr &&
                  again->call_id != nullptr && ToStr(again) == s;
  osip_message_free(again);
  return ok;
}
}  // namespace

// RFC 3261 8.1.1.5: the CSeq number is below 2^31 (decimal digits only), and a request's CSeq
// method is its own; else a number could alias another (strtoul wraps) or a transaction layer
// keyed on one method could be reached by another.
static bool CSeqValid(const osip_message_t* m) {
  if (m->cseq->number == nullptr || m->cseq->method == nullptr) return false;
  if (!codec::ParseDecimal(m->cseq->number, 10, 0x7fffffffu)) return false;
  return !MSG_IS_REQUEST(m) || (m->sip_method != nullptr && std::strcmp(m->sip_method, m->cseq->method) == 0);
}

Result<SipMessage> SipMessage::Parse(ByteView bytes) {
  InitParser();
  if (HasDuplicateContentType(bytes)) return Error::kUnsupportedValue;  // libosip2 5.3 would leak
  osip_message_t* m = nullptr;
  osip_message_init(&m);
  if (osip_message_parse(m, reinterpret_cast<const char*>(bytes.data()), bytes.size()) != 0 ||
      m->cseq == nullptr || m->call_id == nullptr ||
      // RFC 3261 7.2: a status code is three digits from 100 to 699.
      (MSG_IS_RESPONSE(m) && (m->status_code < 100 || m->status_code > 699)) || !CSeqValid(m) || !WritesBack(m)) {
    osip_message_free(m);
    return Error::kUnsupportedValue;
  }
  return SipMessage(m);
}

Bytes SipMessage::Serialize() const {
  osip_message_t* c = nullptr;
  osip_message_clone(m_.get(), &c);
  std::unique_ptr<osip_message, void (*)(osip_message*)> copy(c, &Free);
  if (parts_.size() == 1) {
    osip_message_set_content_type(c, parts_[0].content_type.c_str());
    osip_message_set_body(c, reinterpret_cast<const char*>(parts_[0].data.data()), parts_[0].data.size());
  } else if (parts_.size() > 1) {
    // libosip2 builds the multipart/mixed body from MIME parts (and chooses the boundary).
    osip_message_set_content_type(c, "multipart/mixed;boundary=mcx-part");
    for (const auto& p : parts_) {
      Bytes mime;
      crypto::Append(mime, ByteView("Content-Type: " + p.content_type + "\r\n"));
      if (!p.content_id.empty()) crypto::Append(mime, ByteView("Content-ID: <" + p.content_id + ">\r\n"));
      crypto::Append(mime, ByteView("\r\n"));
      crypto::Append(mime, p.data);
      osip_message_set_body_mime(c, reinterpret_cast<const char*>(mime.data()), mime.size());
    }
  }
  char* s = nullptr;
  size_t len = 0;
  osip_message_to_str(c, &s, &len);
  Bytes out(reinterpret_cast<uint8_t*>(s), reinterpret_cast<uint8_t*>(s) + len);
  osip_free(s);
  return out;
}
bool SipMessage::IsRequest() const { return MSG_IS_REQUEST(m_.get()); }
std::string SipMessage::Method() const {
  if (IsRequest() && m_->sip_method) return m_->sip_method;
  return m_->cseq && m_->cseq->method ? m_->cseq->method : "";
}
int SipMessage::Status() const { return m_->status_code; }
std::string SipMessage::Reason() const { return m_->reason_phrase ? m_->reason_phrase : ""; }
std::string SipMessage::RequestUri() const { return UriString(m_->req_uri); }

void SipMessage::SetFrom(const std::string& v) {
  if (m_->from) {
    osip_from_free(m_->from);
    m_->from = nullptr;
  }
  osip_message_set_from(m_.get(), v.c_str());
}
void SipMessage::SetTo(const std::string& v) {
  if (m_->to) {
    osip_to_free(m_->to);
    m_->to = nullptr;
  }
  osip_message_set_to(m_.get(), v.c_str());
}
void SipMessage::SetCallId(const std::string& v) {
  if (m_->call_id) {  // libosip2 keeps a Call-ID already set
    osip_call_id_free(m_->call_id);
    m_->call_id = nullptr;
  }
  osip_message_set_call_id(m_.get(), v.c_str());
}
void SipMessage::SetCSeq(uint32_t number, const std::string& method) {
  if (m_->cseq) {
    osip_cseq_free(m_->cseq);
    m_->cseq = nullptr;
  }
  osip_message_set_cseq(m_.get(), (std::to_string(number) + " " + method).c_str());
}
void SipMessage::AddVia(const std::string& v) {
  osip_via_t* via = nullptr;
  osip_via_init(&via);
  if (osip_via_parse(via, v.c_str()) != 0) {
    osip_via_free(via);
    return;
  }
  osip_list_add(&m_->vias, via, 0);
}
void SipMessage::SetContact(const std::string& v) {
  // One Contact: any earlier one goes.
  osip_list_special_free(&m_->contacts, [](void* c) { osip_contact_free(static_cast<osip_contact_t*>(c)); });
  osip_message_set_contact(m_.get(), v.c_str());
}
void SipMessage::SetHeader(const std::string& name, const std::string& value) {
  osip_message_set_header(m_.get(), name.c_str(), value.c_str());
}

std::string SipMessage::From() const { return HeaderString(m_->from, osip_from_to_str); }
std::string SipMessage::To() const { return HeaderString(m_->to, osip_to_to_str); }
std::string SipMessage::FromUri() const { return m_->from ? UriString(m_->from->url) : ""; }
std::string SipMessage::ToUri() const { return m_->to ? UriString(m_->to->url) : ""; }
std::string SipMessage::FromTag() const { return m_->from ? Param(&m_->from->gen_params, "tag") : ""; }
std::string SipMessage::ToTag() const { return m_->to ? Param(&m_->to->gen_params, "tag") : ""; }
std::string SipMessage::CallId() const { return HeaderString(m_->call_id, osip_call_id_to_str); }
uint32_t SipMessage::CSeqNumber() const {
  if (!m_->cseq || !m_->cseq->number) return 0;
  return codec::ParseDecimal(m_->cseq->number, 10, 0x7fffffffu).value_or(0);  // Parse took only these
}
std::string SipMessage::CSeqMethod() const { return m_->cseq && m_->cseq->method ? m_->cseq->method : ""; }
std::string SipMessage::TopVia() const {
  auto* v = static_cast<osip_via_t*>(osip_list_get(&m_->vias, 0));
  return HeaderString(v, osip_via_to_str);
}
std::string SipMessage::TopViaBranch() const {
  auto* v = static_cast<osip_via_t*>(osip_list_get(&m_->vias, 0));
  return v ? Param(&v->via_params, "branch") : "";
}
size_t SipMessage::ViaCount() const { return static_cast<size_t>(osip_list_size(&m_->vias)); }
void SipMessage::PopVia() {
  auto* v = static_cast<osip_via_t*>(osip_list_get(&m_->vias, 0));
  if (!v) return;
  osip_list_remove(&m_->vias, 0);
  osip_via_free(v);
}
std::string SipMessage::ContactUri() const {
  auto* c = static_cast<osip_contact_t*>(osip_list_get(&m_->contacts, 0));
  return c ? UriString(c->url) : "";
}
std::optional<std::string> SipMessage::Header(const std::string& name) const {
  osip_header_t* h = nullptr;
  if (osip_message_header_get_byname(m_.get(), name.c_str(), 0, &h) < 0 || !h) return std::nullopt;
  return std::string(h->hvalue ? h->hvalue : "");
}

void SipMessage::AddBody(const std::string& content_type, ByteView data, const std::string& content_id) {
  // The type and ID become a MIME part's header lines (Serialize): a CR or LF in them would start
  // another header (a second Content-Type, which libosip2 5.3 leaks), so line breaks become spaces.
  auto one_line = [](std::string s) {
    for (char& c : s)
      if (c == '\r' || c == '\n') c = ' ';
    return s;
  };
  parts_.push_back({one_line(content_type), data.ToBytes(), one_line(content_id)});
}

std::vector<SipBodyPart> SipMessage::Bodies() const {
  if (!parts_.empty()) return parts_;
  std::vector<SipBodyPart> out;
  const bool multi = m_->content_type && m_->content_type->type &&
                     std::strcmp(m_->content_type->type, "multipart") == 0;
  for (int i = 0; i < osip_list_size(&m_->bodies); ++i) {
    auto* b = static_cast<osip_body_t*>(osip_list_get(&m_->bodies, i));
    if (!b) continue;
    SipBodyPart p;
    osip_content_type_t* ct = multi ? b->content_type : m_->content_type;
    p.content_type = HeaderString(ct, osip_content_type_to_str);
    p.data.assign(b->body, b->body + b->length);
    if (multi && b->headers)
      for (int h = 0; h < osip_list_size(b->headers); ++h) {
        auto* header = static_cast<osip_header_t*>(osip_list_get(b->headers, h));
        if (!header || !header->hname || !header->hvalue || osip_strcasecmp(header->hname, "content-id") != 0) continue;
        std::string id = header->hvalue;
        if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
        p.content_id = id;
      }
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<Bytes> SipMessage::Body(const std::string& content_type) const {
  for (auto& p : Bodies())
    if (p.content_type.rfind(content_type, 0) == 0) return p.data;
  return std::nullopt;
}

std::string SipToken(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace mcx::procedures
