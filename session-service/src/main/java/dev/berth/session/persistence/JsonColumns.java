package dev.berth.session.persistence;

import org.hibernate.cfg.MappingSettings;
import org.hibernate.type.descriptor.WrapperOptions;
import org.hibernate.type.descriptor.java.JavaType;
import org.hibernate.type.format.FormatMapper;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Maps {@code jsonb} columns (labels, env, containers) with Jackson 3. */
@Configuration(proxyBeanMethods = false)
public class JsonColumns {

    @Bean
    HibernatePropertiesCustomizer jsonFormatMapper() {
        JsonMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        FormatMapper mapper = new FormatMapper() {
            @Override
            public <T> T fromString(CharSequence text, JavaType<T> javaType, WrapperOptions options) {
                return json.readValue(text.toString(), json.constructType(javaType.getJavaType()));
            }

            @Override
            public <T> String toString(T value, JavaType<T> javaType, WrapperOptions options) {
                return json.writerFor(json.constructType(javaType.getJavaType())).writeValueAsString(value);
            }
        };
        return properties -> properties.put(MappingSettings.JSON_FORMAT_MAPPER, mapper);
    }
}
