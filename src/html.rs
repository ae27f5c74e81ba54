//! HTML in one place: escaping text for HTML, the shell of replybox's own small pages (sign-in,
//! mail links), and the security headers each kind of response carries. Every HTML page replybox
//! serves takes its headers from [`Policy`], so what a page may load and who may frame it is
//! decided here and nowhere else. (Comment bodies are not escaped but cleaned: `render.rs`.)

use axum::http::{HeaderMap, HeaderValue, header};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What kind of response a set of security headers is for.
#[derive(Debug, Clone, Copy)]
pub enum Policy<'a> {
    /// The admin pages: our own script, style and images; forms to ourselves; never framed.
    Admin,
    /// The sign-in popup and confirmation pages: our own script and style, no forms, never
    /// framed, no referrer (the URL may carry a `return`).
    SignIn,
    /// The pages mail links open: our own style, forms to ourselves, never framed.
    MailLink,
    /// The widget's frame: framed only by the site's origins (space-separated, or `'none'`).
    WidgetFrame {
        /// The `frame-ancestors` sources.
        ancestors: &'a str,
    },
    /// The demo blog replybox serves for a newcomer: our own script, style and frame only.
    DemoPage,
    /// Anything that must never run or load anything: images, plain-text errors.
    Inert,
}

impl Policy<'_> {
    /// The `Content-Security-Policy` value.
    fn csp(&self) -> String {
        match self {
            Self::Admin => {
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                            form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
                    .into()
            }
            Self::SignIn => {
                "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; \
                             form-action 'none'; frame-ancestors 'none'"
                    .into()
            }
            Self::MailLink => {
                "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                 base-uri 'none'"
                    .into()
            }
            Self::WidgetFrame { ancestors } => format!(
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
                 base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
            ),
            Self::DemoPage => "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                               connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; \
                               frame-ancestors 'none'"
                .into(),
            Self::Inert => "default-src 'none'".into(),
        }
    }

    fn referrer(&self) -> Option<&'static str> {
        match self {
            Self::Admin => Some("same-origin"),
            Self::SignIn | Self::MailLink | Self::WidgetFrame { .. } => Some("no-referrer"),
            Self::DemoPage => Some("strict-origin-when-cross-origin"),
            Self::Inert => None,
        }
    }

    /// Sets this policy's headers (CSP, `nosniff`, `Referrer-Policy`, framing and, for pages
    /// that hold secrets or personal data, `no-store`).
    pub fn apply(&self, headers: &mut HeaderMap) {
        if let Ok(csp) = HeaderValue::from_str(&self.csp()) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if let Some(referrer) = self.referrer() {
            headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
        }
        if matches!(self, Self::Admin | Self::SignIn | Self::MailLink) {
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_leave_an_element_or_an_attribute() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn every_policy_forbids_sniffing_and_says_who_may_frame() {
        for policy in [
            Policy::Admin,
            Policy::SignIn,
            Policy::MailLink,
            Policy::WidgetFrame {
                ancestors: "https://blog.example",
            },
            Policy::DemoPage,
        ] {
            let mut headers = HeaderMap::new();
            policy.apply(&mut headers);
            let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(csp.contains("frame-ancestors"), "{policy:?}: {csp}");
            assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
            assert!(headers.contains_key(header::REFERRER_POLICY));
        }
    }
}
