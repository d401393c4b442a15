//! The certificate of the audit's loopback server: one key, made for the run and never
//! stored, that the audit's browser alone accepts (by its public key's hash), with a
//! certificate per host signed by it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use rcgen::{CertificateParams, KeyPair, PublicKeyData};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// The key the loopback server signs with, and its certificates by host.
pub struct Identity {
    key: KeyPair,
    /// `--ignore-certificate-errors-spki-list`'s value: the base64 SHA-256 of the key's
    /// SubjectPublicKeyInfo.
    spki_hash: String,
    configs: Mutex<HashMap<String, Arc<ServerConfig>>>,
}

impl Identity {
    /// A fresh key.
    pub fn new() -> Result<Identity, String> {
        let key = KeyPair::generate().map_err(|e| format!("cannot make a TLS key: {e}"))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, &key.subject_public_key_info());
        Ok(Identity {
            spki_hash: super::answer::base64(digest.as_ref()),
            key,
            configs: Mutex::default(),
        })
    }

    /// The hash the browser is told to accept certificates of.
    pub fn spki_hash(&self) -> &str {
        &self.spki_hash
    }

    /// A server configuration that presents a certificate for `host`, made once per host.
    pub fn config_for(&self, host: &str) -> Result<Arc<ServerConfig>, String> {
        let mut configs = self.configs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(config) = configs.get(host) {
            return Ok(Arc::clone(config));
        }
        let fail = |e: &dyn std::fmt::Display| format!("cannot make a certificate for {host}: {e}");
        let certificate = CertificateParams::new(vec![host.to_owned()])
            .and_then(|params| params.self_signed(&self.key))
            .map_err(|e| fail(&e))?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.serialize_der()));
        // Deprecated for want of post-quantum key exchange, which guards nothing between a
        // browser and a server on one machine's loopback; `ring` builds with a C compiler
        // alone, where the default provider needs more.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| fail(&e))?
            .with_no_client_auth()
            .with_single_cert(vec![certificate.der().clone()], key)
            .map_err(|e| fail(&e))?;
        // HTTP/1.1 only: one request, one answer, on a connection of its own.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let config = Arc::new(config);
        configs.insert(host.to_owned(), Arc::clone(&config));
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_signs_a_certificate_per_host_and_its_hash_is_stable() {
        let identity = Identity::new().unwrap();
        // Base64 of 32 bytes.
        assert_eq!(identity.spki_hash().len(), 44);
        let shop = identity.config_for("shop.example").unwrap();
        assert!(Arc::ptr_eq(
            &shop,
            &identity.config_for("shop.example").unwrap()
        ));
        assert!(!Arc::ptr_eq(
            &shop,
            &identity.config_for("widget.example").unwrap()
        ));
        assert_ne!(Identity::new().unwrap().spki_hash(), identity.spki_hash());
    }
}
